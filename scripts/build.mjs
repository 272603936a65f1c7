// `npm run build`: dist/ from src/, and GraphiQL bundled for the offline console so no CDN is needed.
// Nothing is done when no input changed since the last build (a fingerprint of every input, kept in dist/);
// otherwise TypeScript compiles incrementally, and compiled files whose source is gone are deleted, so a file
// removed from src/ never lingers to be loaded. `--clean` empties dist/ first.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { build } from 'esbuild';

const DIST = 'dist';
const BUNDLE_DIRECTORY = join(DIST, 'graphiql');
const BUNDLE = [join(BUNDLE_DIRECTORY, 'graphiql.js'), join(BUNDLE_DIRECTORY, 'graphiql.css')];
/** What the build reads: the sources, the compiler's settings, the dependencies' versions, this script. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build.mjs'];
const BUNDLE_INPUTS = ['src/graphiql', 'package-lock.json', 'scripts/build.mjs'];
const STAMP = join(DIST, '.inputs.sha256');
const BUNDLE_STAMP = join(DIST, '.graphiql-inputs.sha256');

const inputs = fingerprint(INPUTS);
if (process.argv.includes('--clean')) rmSync(DIST, { recursive: true, force: true });
if (!upToDate(STAMP, inputs, [join(DIST, 'main.js'), ...BUNDLE])) {
  // The stamp goes first: a build stopped half-way must not pass for a finished one.
  rmSync(STAMP, { force: true });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  pruneOrphans(DIST);
  const bundleInputs = fingerprint(BUNDLE_INPUTS);
  if (!upToDate(BUNDLE_STAMP, bundleInputs, BUNDLE)) {
    await bundleGraphiql();
    writeFileSync(BUNDLE_STAMP, bundleInputs);
  }
  writeFileSync(STAMP, inputs);
}

function upToDate(stamp, expected, outputs) {
  return outputs.every((output) => existsSync(output)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === expected;
}

/** A hash of every input file's path and content. */
function fingerprint(paths) {
  const hash = createHash('sha256');
  for (const file of paths.flatMap(files).sort()) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function files(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => files(join(path, name)));
}

/** Deletes what tsc wrote for a source that no longer exists (x.js, x.js.map, x.json under dist/ for src/x.ts(x) or x.json). */
function pruneOrphans(directory) {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) {
      pruneOrphans(path);
      continue;
    }
    if (name.startsWith('.') || BUNDLE.includes(path)) continue;
    const source = join('src', relative(DIST, path)).replace(/\.js(\.map)?$/, '');
    const candidates = name.endsWith('.json') ? [source] : [`${source}.ts`, `${source}.tsx`];
    if (!candidates.some((candidate) => existsSync(candidate))) rmSync(path);
  }
}

async function bundleGraphiql() {
  await build({
    entryPoints: ['src/graphiql/entry.tsx'],
    bundle: true,
    minify: true,
    format: 'iife',
    jsx: 'automatic',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    outfile: BUNDLE[0],
    logLevel: 'warning',
  });
}
