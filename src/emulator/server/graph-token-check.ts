import type { JSONWebKeySet, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { createJwtVerifier, TokenRejected } from '../../auth/jwt-verifier';

/** Who a Graph token says is calling. */
export interface GraphCaller {
  oid: string | undefined;
  tid: string | undefined;
  appId: string | undefined;
  /** `app` (application permission in `roles`) or `delegated` (a user's, in `scp`). */
  kind: 'app' | 'delegated';
}

/** Check Graph tokens as Graph does: signature, issuer, audience, lifetime, and the permission. */
export interface EmulatorAuth {
  /** The Graph tokens' signing keys: a JWKS document, or where to fetch it. Default: from the issuer's OpenID configuration. */
  jwks?: JSONWebKeySet | URL;
  /** The expected `iss`; unchecked when only a JWKS is given. */
  issuer?: string;
  /** Accepted `aud` values besides the emulator's own origin and Microsoft Graph's. */
  audiences?: string[];
}

export const GRAPH_PERMISSION = 'EntitlementManagement.ReadWrite.All';
/** Reading access reviews takes either; writing (an apply result, a decision) takes ReadWrite. */
export const REVIEW_READ_PERMISSIONS = Object.freeze(['AccessReview.Read.All', 'AccessReview.ReadWrite.All']);
export const REVIEW_WRITE_PERMISSIONS = Object.freeze(['AccessReview.ReadWrite.All']);
const GRAPH_AUDIENCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];

/** Graph's answer to a token it will not accept. */
export class GraphTokenRefused extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: 'InvalidAuthenticationToken' | 'Authorization_RequestDenied',
    message: string,
  ) {
    super(message);
  }
}

/**
 * How the emulator checks an `Authorization` header, given the `Host` it was reached at. Without keys to
 * check against, any bearer token is accepted (Graph would refuse a request with none).
 */
export function graphTokenCheck(
  auth: EmulatorAuth | undefined,
): (authorization: string | undefined, host: string | undefined, permissions?: readonly string[]) => Promise<GraphCaller | undefined> {
  const verify = auth && tokenVerifier(auth);
  return async (authorization, host, permissions = [GRAPH_PERMISSION]) => {
    const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
    if (!match) throw new GraphTokenRefused(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    return verify?.(match[1]!, host, permissions);
  };
}

/** `permissions`: the token must hold one of them, as an application role or a delegated scope. */
function tokenVerifier(auth: EmulatorAuth): (token: string, host: string | undefined, permissions: readonly string[]) => Promise<GraphCaller> {
  const verify = createJwtVerifier({ jwks: auth.jwks, issuer: auth.issuer, audiences: [...GRAPH_AUDIENCES, ...(auth.audiences ?? [])] });

  return async (token, host, permissions) => {
    let claims: JWTPayload;
    try {
      // Graph's audience is its own host: here, the host this emulator was reached at.
      claims = await verify(token, [`http://${host}`]);
    } catch (error) {
      // ASSUMPTION: keys that cannot be fetched refuse the token as a bad one would; Graph never shows this case.
      const message =
        error instanceof TokenRejected && error.code === 'ERR_JWT_EXPIRED'
          ? 'Lifetime validation failed, the token is expired.'
          : error instanceof TokenRejected && error.claim === 'aud'
            ? 'Access token validation failure. Invalid audience.'
            : 'Access token validation failure.';
      throw new GraphTokenRefused(401, 'InvalidAuthenticationToken', message);
    }
    const roles = Array.isArray(claims.roles) ? claims.roles : [];
    const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
    if (!permissions.some((permission) => roles.includes(permission) || scopes.includes(permission))) {
      throw new GraphTokenRefused(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    }
    return {
      oid: typeof claims.oid === 'string' ? claims.oid : undefined,
      tid: typeof claims.tid === 'string' ? claims.tid : undefined,
      appId: typeof claims.appid === 'string' ? claims.appid : typeof claims.azp === 'string' ? claims.azp : undefined,
      kind: typeof claims.scp === 'string' ? 'delegated' : 'app',
    };
  };
}
