/** The session of the Graph documentation's example, which the emulator starts with. */
export const SEED_SESSION_KEY = Object.freeze({
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
});

export const SEED_FILES = Object.freeze([{ name: 'building-a-access.csv', size: 2_000_000 }]);
