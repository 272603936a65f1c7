import { TENANT_PLACEHOLDER } from '../config';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_SEGMENT = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=\/|$)/i;

/** Why a token's issuer and tenant do not fit together; undefined when they do. */
export type TenantMismatch = 'tid-not-a-guid' | 'iss-of-another-tenant' | 'key-of-another-issuer';

export function isTemplate(issuer: string): boolean {
  return issuer.includes(TENANT_PLACEHOLDER);
}

/** Where the keys of a templated issuer are found: Microsoft's tenant-independent `organizations` metadata. */
export function discoveryIssuer(issuer: string): string {
  return issuer.replace(TENANT_PLACEHOLDER, 'organizations');
}

/**
 * Microsoft's rule for tokens from many tenants (graph-api-tenants.md §1): with a templated issuer, `tid` is a
 * GUID and `iss` is the template with exactly that `tid` in it. A fixed issuer (already compared by jose)
 * that names a tenant takes tokens of that tenant only: an `iss`/`tid` mismatch is refused there too.
 */
export function issuerMismatch(configured: string, iss: unknown, tid: unknown): TenantMismatch | undefined {
  if (isTemplate(configured)) {
    if (typeof tid !== 'string' || !GUID.test(tid)) return 'tid-not-a-guid';
    return iss === configured.replace(TENANT_PLACEHOLDER, tid) ? undefined : 'iss-of-another-tenant';
  }
  const named = GUID_SEGMENT.exec(configured)?.[1];
  if (named === undefined || tid === undefined) return undefined;
  return typeof tid === 'string' && tid.toLowerCase() === named.toLowerCase() ? undefined : 'iss-of-another-tenant';
}

/**
 * A signing key that names an `issuer` signs only for it: a templated one after substituting the token's
 * `tid`, a fixed one exactly. Keys that name none sign for whoever their key set serves.
 */
export function keyIssuerMismatch(keyIssuer: unknown, iss: unknown, tid: unknown): TenantMismatch | undefined {
  if (keyIssuer === undefined) return undefined;
  if (typeof keyIssuer !== 'string') return 'key-of-another-issuer';
  const expected = isTemplate(keyIssuer) ? (typeof tid === 'string' && GUID.test(tid) ? keyIssuer.replace(TENANT_PLACEHOLDER, tid) : undefined) : keyIssuer;
  return expected !== undefined && expected === iss ? undefined : 'key-of-another-issuer';
}

/** Whether a tenant id is on the allow-list (AUTH_TENANTS); every tenant is when there is none. */
export function tenantListed(tenants: readonly string[] | undefined, tid: unknown): boolean {
  if (tenants === undefined) return true;
  return typeof tid === 'string' && GUID.test(tid) && tenants.includes(tid.toLowerCase());
}
