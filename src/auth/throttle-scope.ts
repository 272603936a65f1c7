import type { GraphConfig } from '../config';
import { keyHash, stringClaim, unverifiedClaims } from './token-claims';

/** Enough for the tenants one gateway serves at once; past it the memo starts over. */
const MEMO_ENTRIES = 1_000;

/**
 * Graph throttles per application and tenant: the scope of a call is that pair, hashed. In `app` mode it
 * is the configured identity, in emulator mode there is one; with the caller's token (`passthrough`) or
 * one exchanged for it (`obo`) it is the token's `appid`/`azp` and `tid`, read without checking the
 * signature: they only choose which pause applies, and Graph checks the token itself.
 */
export function throttleScopeOf(config: GraphConfig): (authorization: string) => string {
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
    case 'obo': {
      const memo = new Map<string, string>();
      return (authorization) => {
        let scope = memo.get(authorization);
        if (scope === undefined) {
          if (memo.size >= MEMO_ENTRIES) memo.clear();
          scope = tokenScope(authorization.slice('Bearer '.length));
          memo.set(authorization, scope);
        }
        return scope;
      };
    }
  }
}

function tokenScope(token: string): string {
  const claims = unverifiedClaims(token);
  const appId = stringClaim(claims?.appid) ?? stringClaim(claims?.azp);
  const tenantId = stringClaim(claims?.tid);
  // A token without them is Graph's to refuse; it shares a pause with no one else's.
  return appId && tenantId ? keyHash('token', appId, tenantId) : keyHash('unreadable', token);
}
