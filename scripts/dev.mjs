// `npm run dev`: the gateway on the embedded emulator (or as .env configures it), restarted on every change.
// tsc watches src/ and rewrites only what changed in dist/; `node --watch` restarts the gateway when a file it
// loaded changes. type-graphql needs tsc's decorator metadata, which esbuild-based runners (tsx) do not emit.
// GraphiQL's bundle is built once, by the build below; a change to src/graphiql/ needs `npm run build`.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import process from 'node:process';

execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
// From here dist/ follows the watcher, not the build's fingerprint: the next `npm start` builds again.
rmSync('dist/.inputs.sha256', { force: true });

const children = [
  spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], { stdio: 'inherit' }),
  spawn(process.execPath, ['--watch', '--enable-source-maps', 'dist/main.js'], { stdio: 'inherit' }),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', stop);
