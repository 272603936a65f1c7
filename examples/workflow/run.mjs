// `npm run example`, after `npm run build`: bundles server/main.ts to dist/example/main.js and runs it.
// The gateway itself is not bundled: esbuild cannot emit the decorator metadata type-graphql reads, so the
// server's imports of src/ are pointed at the modules `npm run build` compiled into dist/.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const outfile = join(dist, 'example/main.js');

const useBuiltGateway = {
  name: 'use-built-gateway',
  setup(bundler) {
    bundler.onResolve({ filter: /\/src\// }, ({ path, resolveDir }) => {
      const source = resolve(resolveDir, path);
      if (relative(src, source).startsWith('..')) return undefined;
      const module = existsSync(`${source}.ts`) ? source : join(source, 'index');
      return { path: `${join(dist, relative(src, module))}.js`, external: true };
    });
  },
};

await build({
  entryPoints: [join(root, 'examples/workflow/server/main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  plugins: [useBuiltGateway],
  outfile,
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
