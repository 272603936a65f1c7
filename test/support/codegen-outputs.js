// Prints what `npm run codegen` would write, as JSON, without writing it.
// Run in a plain node process: codegen's plugins are ES modules that jest's module system cannot load.
const { generate, loadCodegenConfig } = require('@graphql-codegen/cli');

loadCodegenConfig({ configFilePath: 'codegen.yml' })
  .then(({ config }) => generate({ ...config, silent: true }, false))
  .then((outputs) => process.stdout.write(JSON.stringify(outputs.map(({ filename, content }) => ({ filename, content })))))
  .catch((error) => {
    process.stderr.write(String(error));
    process.exit(1);
  });
