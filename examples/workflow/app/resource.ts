/** Which catalog resource the app works on; every operation takes both ids. */
export interface Resource {
  catalogId: string;
  resourceId: string;
}

/** The emulator's seeded catalog and resource (the Graph documentation's example). */
export const SEEDED_RESOURCE: Resource = {
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
};

export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`;
}
