// The end-to-end tier's jest globalSetup: build dist/ once before its first test file runs. Its tests spawn
// `node dist/main.js` and read the GraphiQL bundle. The build does nothing when no input changed, else rewrites
// dist/ in place, so no test file builds again while others run (the `npm start` tests skip the `prestart` build
// for that reason). Unit and integration tests run the sources and build nothing.
const { execFileSync } = require('node:child_process');

module.exports = () => {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
};
