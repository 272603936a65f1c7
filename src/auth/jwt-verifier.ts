import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from 'jose' with { 'resolution-mode': 'import' };
import { discoveryIssuer, isTemplate, issuerMismatch, keyIssuerMismatch } from './issuer-template';
import { loadJose } from './jose';
import { discoverJwksUri } from './openid-discovery';

export interface JwtVerifierOptions {
  /** The signing keys: a JWKS document, where to fetch it, or `undefined` for the issuer's OpenID configuration's `jwks_uri`. */
  jwks: JSONWebKeySet | URL | undefined;
  /**
   * The expected `iss`, which may be a template holding `{tenantid}` (issuer-template.ts); unchecked when
   * `undefined` (then `jwks` must be given).
   */
  issuer: string | undefined;
  /** Accepted `aud` values. */
  audiences: readonly string[];
  /** How soon a token with an unknown `kid` (a rotated key) may make the key set be downloaded again. Default 30 s. */
  cooldownMs?: number;
}

/** Checks a JWT and returns its claims; throws `TokenRejected`, or another error when the keys cannot be had. */
export type JwtVerifier = (token: string, extraAudiences?: readonly string[]) => Promise<JWTPayload>;

/** The token itself is not acceptable (as opposed to "the signing keys could not be fetched"). */
export class TokenRejected extends Error {
  constructor(
    /** jose's code, e.g. `ERR_JWT_EXPIRED`, `ERR_JWT_CLAIM_VALIDATION_FAILED`. */
    readonly code: string,
    /** The claim that failed validation (`aud`, `iss`, `exp`, `nbf`), when one did. */
    readonly claim: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TokenRejected';
  }
}

/** Asymmetric algorithms only: `none` and HMAC (whose "key" would be the public key) are never accepted. */
const ALGORITHMS = ['RS256', 'PS256', 'ES256'];
const CLOCK_SKEW_SECONDS = 60;
/** jose codes that mean "this token is not acceptable"; any other failure is about fetching the keys. */
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

export function createJwtVerifier({ jwks, issuer, audiences, cooldownMs = 30_000 }: JwtVerifierOptions): JwtVerifier {
  if (jwks === undefined && issuer === undefined) throw new Error('A JWT verifier needs a key set or an issuer to discover it from.');
  let keys: Promise<JWTVerifyGetKey & { jwks?: () => JSONWebKeySet | undefined }> | undefined;
  // jose keeps a fetched key set cached, and downloads it again for an unknown `kid` at most once per cooldown.
  const keySet = () =>
    (keys ??= (async () => {
      const { createLocalJWKSet, createRemoteJWKSet } = await loadJose();
      if (jwks !== undefined && !(jwks instanceof URL)) return createLocalJWKSet(jwks);
      const uri = jwks ?? (await discoverJwksUri(discoveryIssuer(issuer!)));
      return createRemoteJWKSet(uri, { cooldownDuration: cooldownMs, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
    })().catch((error: unknown) => {
      keys = undefined; // discovery failed: try again on the next token
      throw error;
    }));

  return async (token, extraAudiences = []) => {
    const { jwtVerify } = await loadJose();
    const getKey = await keySet();
    try {
      const { payload, protectedHeader } = await jwtVerify(token, getKey, {
        // A template is compared below, once the token's `tid` is known.
        issuer: issuer !== undefined && isTemplate(issuer) ? undefined : issuer,
        audience: [...audiences, ...extraAudiences],
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp'],
      });
      const mismatch = (issuer === undefined ? undefined : issuerMismatch(issuer, payload.iss, payload.tid)) ?? keyMismatch(getKey.jwks?.(), protectedHeader.kid, payload);
      if (mismatch !== undefined) throw new TokenRejected(mismatch, mismatch === 'tid-not-a-guid' ? 'tid' : 'iss', `the token's issuer does not fit its tenant (${mismatch})`);
      return payload;
    } catch (error) {
      if (error instanceof TokenRejected) throw error;
      const { code, claim } = error as { code?: unknown; claim?: unknown };
      if (typeof code !== 'string' || !TOKEN_PROBLEMS.has(code)) throw error;
      throw new TokenRejected(code, typeof claim === 'string' ? claim : undefined, (error as Error).message);
    }
  };
}

/** The key that signed the token (by `kid`; every key when the token names none) must not name another issuer. */
function keyMismatch(keySet: JSONWebKeySet | undefined, kid: string | undefined, payload: JWTPayload) {
  const candidates = (keySet?.keys ?? []).filter((key) => kid === undefined || key.kid === kid);
  for (const key of candidates) {
    const mismatch = keyIssuerMismatch((key as { issuer?: unknown }).issuer, payload.iss, payload.tid);
    if (mismatch !== undefined) return mismatch;
  }
  return undefined;
}
