import { keyHash, stringClaim, unverifiedClaims } from '../../auth/token-claims';
import type { CallerIdentity } from '../../auth/caller-authentication';
import { ErrorCode } from './error-code';
import type { Refusal } from './refusal';

/** Counts one request of a caller; resolves to the milliseconds until it may call again when past its limit. */
export type CallerLimiter = (callerKey: string) => Promise<number | undefined>;

/**
 * Who a caller is, for its limit: `token`, the validated caller token's `tid` and `oid` (else `sub`);
 * `graph-token`, the `tid` and `oid` of the Graph token a passthrough caller sends (else its address); `address`,
 * the client's address (behind a proxy, the proxy's).
 */
export type CallerSource = 'token' | 'graph-token' | 'address';

export interface CallerFacts {
  identity: CallerIdentity | undefined;
  bearer: string | undefined;
  clientAddress: string;
}

/**
 * The caller's key: a hash, so neither ids nor addresses reach the shared store. A caller is its tenant and
 * its object id (`oid` differs per tenant, but nothing stops two tenants' ids from meeting in one key space).
 */
export function callerKey(source: CallerSource, { identity, bearer, clientAddress }: CallerFacts): string {
  const claims = source === 'graph-token' && bearer !== undefined ? unverifiedClaims(bearer) : undefined;
  const id = source === 'token' ? (identity?.oid ?? identity?.sub) : stringClaim(claims?.oid);
  const tenant = source === 'token' ? identity?.tid : stringClaim(claims?.tid)?.toLowerCase();
  return id !== undefined ? keyHash('caller', tenant ?? '', id) : keyHash('address', clientAddress);
}

/** Past the limit: 429 with Retry-After, and THROTTLED saying it is this caller's own limit. */
export function callerLimited(retryInMs: number): Refusal {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryInMs / 1000));
  return {
    status: 429,
    code: ErrorCode.THROTTLED,
    message: 'This caller has made too many requests; retry later.',
    headers: new Map([['retry-after', String(retryAfterSeconds)]]),
    extensions: { retryAfterSeconds, limit: 'caller' },
  };
}
