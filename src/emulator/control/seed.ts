import { EMULATOR_SEED_SESSION } from '../../config/emulator';

/** The session of the Graph documentation's example, which the emulator starts with. */
export const SEED_SESSION_KEY = EMULATOR_SEED_SESSION;

export const SEED_FILES = Object.freeze([{ name: 'building-a-access.csv', size: 2_000_000 }]);
