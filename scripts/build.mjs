// `npm run build`: a clean dist/ (a file removed from src/ must not linger and be loaded), the TypeScript
// build, then GraphiQL bundled for the offline console (GRAPHQL_IDE=graphiql) so no CDN is needed.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import process from 'node:process';

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await build({
  entryPoints: ['src/graphiql/entry.tsx'],
  bundle: true,
  minify: true,
  format: 'iife',
  jsx: 'automatic',
  target: 'es2020',
  define: { 'process.env.NODE_ENV': '"production"' },
  outfile: 'dist/graphiql/graphiql.js',
  logLevel: 'warning',
});
