import { ErrorCode, GatewayError } from '../errors';

/** Identifies one upload session: all three ids are GUIDs. */
export interface SessionKey {
  readonly catalogId: string;
  readonly resourceId: string;
  readonly uploadSessionId: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Throws BAD_USER_INPUT naming every id that is not a GUID, before anything is sent to Graph. */
export function assertSessionKey(key: SessionKey): SessionKey {
  const invalid = (Object.keys(key) as (keyof SessionKey)[]).filter((name) => !isGuid(key[name]));
  if (invalid.length > 0) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `${invalid.join(', ')} must be a GUID.`, {
      invalidArguments: invalid,
    });
  }
  return key;
}

/** The seed's beta path shape; every id is percent-encoded even though a GUID needs none. */
export function sessionPath(key: SessionKey): string {
  const { catalogId, resourceId, uploadSessionId } = assertSessionKey(key);
  return (
    `/identityGovernance/entitlementManagement/accessPackageCatalogs/${encodeURIComponent(catalogId)}` +
    `/accessPackageResources/${encodeURIComponent(resourceId)}` +
    `/uploadSessions/${encodeURIComponent(uploadSessionId)}`
  );
}
