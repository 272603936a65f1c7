import { SEED_SESSION_KEY } from './seed';

export { createEmulator } from './emulator-server';

/** The console's example variables in emulator mode: the seeded session, so the first run succeeds. */
export function exampleVariables(): Record<string, unknown> {
  return { input: { ...SEED_SESSION_KEY } };
}
