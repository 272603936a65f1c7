import type { Logger } from 'pino';
import type { JWTPayload, JWTVerifyGetKey } from 'jose' with { 'resolution-mode': 'import' };
import type { CallerAuthConfig } from '../config';
import { ErrorCode, GatewayError } from '../errors';
import { loadJose } from './jose';
import { discoverJwksUri } from './openid-discovery';

/** Who is calling, as the caller's validated token says; never the token itself. */
export interface CallerIdentity {
  /** Object id of the user or service principal. */
  oid: string | undefined;
  /** Tenant id. */
  tid: string | undefined;
  /** The client application the caller used (`appid` in v1 tokens, `azp` in v2). */
  appId: string | undefined;
}

/** Validates a caller's bearer token; throws UNAUTHENTICATED, FORBIDDEN or UPSTREAM_UNAVAILABLE. */
export type CallerAuthenticator = (bearer: string | undefined) => Promise<CallerIdentity>;

/** Asymmetric algorithms only: `none` and HMAC (whose "key" would be the public key) are never accepted. */
const ALGORITHMS = ['RS256', 'PS256', 'ES256'];
const CLOCK_SKEW_SECONDS = 60;
/** jose codes that mean "this token is not acceptable", as opposed to "the keys could not be fetched". */
const TOKEN_PROBLEMS = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

export function createCallerAuthenticator(config: CallerAuthConfig, logger: Logger): CallerAuthenticator {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  // jose keeps the key set cached, and downloads it again for an unknown `kid` (a rotated key) at most once per cooldown.
  const keySet = () =>
    (keys ??= (async () => {
      const { createRemoteJWKSet } = await loadJose();
      const uri = config.jwksUri ?? (await discoverJwksUri(config.issuer));
      return createRemoteJWKSet(uri, { cooldownDuration: config.jwksCooldownMs, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
    })().catch((error: unknown) => {
      keys = undefined; // discovery failed: try again on the next request
      throw error;
    }));

  return async (bearer) => {
    if (bearer === undefined) throw unauthenticated('Send an access token for this API as "Authorization: Bearer <token>".');
    let claims: JWTPayload;
    try {
      const { jwtVerify } = await loadJose();
      ({ payload: claims } = await jwtVerify(bearer, await keySet(), {
        issuer: config.issuer,
        audience: [...config.audiences],
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && TOKEN_PROBLEMS.has(code)) {
        logger.info({ reason: code, claim: (error as { claim?: unknown }).claim }, 'caller token refused');
        throw unauthenticated('The access token is not valid for this API.');
      }
      logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'cannot fetch the token issuer’s signing keys');
      throw new GatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Caller tokens cannot be validated right now; retry later.', { http: { status: 503 } });
    }

    const identity = {
      oid: stringClaim(claims.oid),
      tid: stringClaim(claims.tid),
      appId: stringClaim(claims.appid) ?? stringClaim(claims.azp),
    };
    const scopes = new Set(stringClaim(claims.scp)?.split(' ') ?? []);
    const roles = new Set(Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : []);
    const missing = [
      ...config.requiredScopes.filter((scope) => !scopes.has(scope)).map((scope) => `scope ${scope}`),
      ...config.requiredRoles.filter((role) => !roles.has(role)).map((role) => `role ${role}`),
    ];
    if (missing.length > 0) {
      logger.info({ caller: identity, missing }, 'caller lacks a required scope or role');
      throw new GatewayError(ErrorCode.FORBIDDEN, `The access token lacks: ${missing.join(', ')}.`, { http: { status: 403 } });
    }
    return identity;
  };
}

function unauthenticated(message: string): GatewayError {
  return new GatewayError(ErrorCode.UNAUTHENTICATED, message, {
    http: { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) },
  });
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
