import type { GraphConfig } from '../config';
import { keyHash, stringClaim, unverifiedClaims } from './token-claims';

/** Enough for the tenants one gateway serves at once; past it the memo starts over. */
const MEMO_ENTRIES = 1_000;

/**
 * Graph throttles per application and tenant: the scope of a call is that pair, hashed. It is read from the
 * Graph token's `appid`/`azp` and `tid`, without checking the signature: they only choose which pause
 * applies, and Graph checks the token itself. In `app` mode that is the configured identity in the tenant it
 * was asked in (the caller's); the emulator's placeholder names the caller's tenant the same way. A token
 * without them has a scope of its own in `passthrough` and `obo`, the configured identity's in `app`, and
 * the emulator's one in emulator mode.
 */
export function throttleScopeOf(config: GraphConfig): (authorization: string) => string {
  const fallback = fallbackScope(config);
  const memo = new Map<string, string>();
  return (authorization) => {
    let scope = memo.get(authorization);
    if (scope === undefined) {
      if (memo.size >= MEMO_ENTRIES) memo.clear();
      scope = tokenScope(authorization.slice('Bearer '.length), fallback);
      memo.set(authorization, scope);
    }
    return scope;
  };
}

function fallbackScope(config: GraphConfig): ((token: string) => string) {
  switch (config.auth) {
    case 'emulator': {
      const scope = keyHash('emulator');
      return () => scope;
    }
    case 'app': {
      const credential = config.credential!;
      const scope = keyHash('app', credential.kind, credential.clientId ?? '', 'tenantId' in credential ? credential.tenantId : '');
      return () => scope;
    }
    case 'passthrough':
    case 'obo':
      // A token without them is Graph's to refuse; it shares a pause with no one else's.
      return (token) => keyHash('unreadable', token);
  }
}

function tokenScope(token: string, fallback: (token: string) => string): string {
  const claims = unverifiedClaims(token);
  const appId = stringClaim(claims?.appid) ?? stringClaim(claims?.azp);
  const tenantId = stringClaim(claims?.tid)?.toLowerCase();
  return appId && tenantId ? keyHash('token', appId, tenantId) : fallback(token);
}
