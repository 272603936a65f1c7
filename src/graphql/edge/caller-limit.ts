import { keyHash, stringClaim, unverifiedClaims } from '../../auth/token-claims';
import type { CallerIdentity } from '../../auth/caller-authentication';
import { ErrorCode } from './error-code';
import type { Refusal } from './refusal';

/** Counts one request of a caller; resolves to the milliseconds until it may call again when past its limit. */
export type CallerLimiter = (callerKey: string) => Promise<number | undefined>;

/**
 * Who a caller is, for its limit: `token`, the validated caller token's `oid` (else `sub`);
 * `graph-token`, the `oid` of the Graph token a passthrough caller sends (else its address); `address`,
 * the client's address (behind a proxy, the proxy's).
 */
export type CallerSource = 'token' | 'graph-token' | 'address';

export interface CallerFacts {
  identity: CallerIdentity | undefined;
  bearer: string | undefined;
  clientAddress: string;
}

/** The caller's key: a hash, so neither ids nor addresses reach the shared store. */
export function callerKey(source: CallerSource, { identity, bearer, clientAddress }: CallerFacts): string {
  const id =
    source === 'token'
      ? (identity?.oid ?? identity?.sub)
      : source === 'graph-token' && bearer !== undefined
        ? stringClaim(unverifiedClaims(bearer)?.oid)
        : undefined;
  return id !== undefined ? keyHash('caller', id) : keyHash('address', clientAddress);
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
