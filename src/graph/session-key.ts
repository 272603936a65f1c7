import { ErrorCode, GatewayError } from '../errors';

/** Identifies one resource of a catalog: both ids are GUIDs. */
export interface ResourceKey {
  readonly catalogId: string;
  readonly resourceId: string;
}

/** Identifies one upload session: all three ids are GUIDs. */
export interface SessionKey extends ResourceKey {
  readonly uploadSessionId: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Throws BAD_USER_INPUT naming every id that is not a GUID, before anything is sent to Graph. */
export function assertGuids(ids: Readonly<Record<string, unknown>>): void {
  if (Object.values(ids).every(isGuidValue)) return;
  const invalid = Object.keys(ids).filter((name) => !isGuidValue(ids[name]));
  throw new GatewayError(ErrorCode.BAD_USER_INPUT, `${invalid.join(', ')} must be a GUID.`, { invalidArguments: invalid });
}

function isGuidValue(value: unknown): boolean {
  return typeof value === 'string' && GUID.test(value);
}

/** Only the key's own ids are checked: an input object may carry other fields (a file, say). */
export function assertSessionKey<T extends SessionKey>(key: T): T {
  assertGuids({ catalogId: key.catalogId, resourceId: key.resourceId, uploadSessionId: key.uploadSessionId });
  return key;
}

export function assertResourceKey<T extends ResourceKey>(key: T): T {
  assertGuids({ catalogId: key.catalogId, resourceId: key.resourceId });
  return key;
}
