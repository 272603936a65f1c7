import { join } from 'node:path';

/** Compiled to dist-bench/bench/: the repository is two levels up, the role processes' files are alongside. */
export const ROOT = join(__dirname, '..', '..');
export const ROLE_DIR = __dirname;
/** bench/ in the repository: the Lua scripts are read from there. */
export const SOURCE_DIR = join(ROOT, 'bench');
export const RESULTS_DIR = join(ROOT, 'bench-results');

/** The bench's own environment, passed on to every process it starts (PATH, locale, …) with their settings added. */
export function benchEnvironment(): NodeJS.ProcessEnv {
  // eslint-disable-next-line no-restricted-properties -- the bench is not the gateway: it hands its environment to its children
  return { ...process.env };
}
