import type { Logger } from 'pino';
import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import type { CallerAuthConfig } from '../config';
import { CallerRefusedError, unauthenticated } from './caller-refusal';
import { tenantListed } from './issuer-template';
import { createJwtVerifier, TokenRejected } from './jwt-verifier';
import { stringClaim } from './token-claims';

/** Who is calling, as the caller's validated token says; never the token itself. */
export interface CallerIdentity {
  /** Object id of the user or service principal. */
  oid: string | undefined;
  /** The token's subject: who it was issued to, when there is no `oid` (tokens of other issuers). */
  sub: string | undefined;
  /** Tenant id. */
  tid: string | undefined;
  /** The client application the caller used (`appid` in v1 tokens, `azp` in v2). */
  appId: string | undefined;
  /** What `oid` is: a user, or an application's service principal (an app-only token: `idtyp` app, or no `scp`). */
  principal: 'user' | 'servicePrincipal';
}

/** Validates a caller's bearer token; throws CallerRefusedError. */
export type CallerAuthenticator = (bearer: string | undefined) => Promise<CallerIdentity>;

/** `tenants`: AUTH_TENANTS, when set: a token's `tid` must be listed (Entra admits any tenant to a multi-tenant app). */
export function createCallerAuthenticator(config: CallerAuthConfig, logger: Logger, tenants?: readonly string[]): CallerAuthenticator {
  const verify = createJwtVerifier({ jwks: config.jwksUri, issuer: config.issuer, audiences: config.audiences, cooldownMs: config.jwksCooldownMs });

  return async (bearer) => {
    if (bearer === undefined) throw unauthenticated('Send an access token for this API as "Authorization: Bearer <token>".');
    let claims: JWTPayload;
    try {
      claims = await verify(bearer);
    } catch (error) {
      if (error instanceof TokenRejected) {
        logger.info({ reason: error.code, claim: error.claim }, 'caller token refused');
        throw unauthenticated('The access token is not valid for this API.');
      }
      logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'cannot fetch the token issuer’s signing keys');
      throw new CallerRefusedError('unavailable', 'Caller tokens cannot be validated right now; retry later.');
    }

    if (!tenantListed(tenants, claims.tid)) {
      logger.info({ reason: 'tenant not listed', tid: stringClaim(claims.tid) }, 'caller token refused');
      throw unauthenticated('The access token is not valid for this API.');
    }
    const identity: CallerIdentity = {
      oid: stringClaim(claims.oid),
      sub: stringClaim(claims.sub),
      // Lower-cased: it keys caches and chooses the tenant Graph is asked in (Entra sends it lower-case).
      tid: stringClaim(claims.tid)?.toLowerCase(),
      appId: stringClaim(claims.appid) ?? stringClaim(claims.azp),
      principal: claims.idtyp === 'app' || (claims.scp === undefined && claims.idtyp !== 'user') ? 'servicePrincipal' : 'user',
    };
    const scopes = new Set(stringClaim(claims.scp)?.split(' ') ?? []);
    const roles = new Set(Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : []);
    const missing = [
      ...config.requiredScopes.filter((scope) => !scopes.has(scope)).map((scope) => `scope ${scope}`),
      ...config.requiredRoles.filter((role) => !roles.has(role)).map((role) => `role ${role}`),
    ];
    if (missing.length > 0) {
      logger.info({ caller: identity, missing }, 'caller lacks a required scope or role');
      throw new CallerRefusedError('forbidden', `The access token lacks: ${missing.join(', ')}.`);
    }
    return identity;
  };
}
