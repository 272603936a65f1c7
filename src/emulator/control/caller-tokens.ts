import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CryptoKey, JWK } from 'jose' with { 'resolution-mode': 'import' };
import { loadJose } from '../../auth/jose';
import { EMULATOR_DEFAULT_TENANT, EMULATOR_CALLER_AUDIENCE } from '../../config/emulator';
import { isGuid } from '../../graph/odata/ids';
import { SEED_USERS } from '../catalog-roles/directory';
import { readJson, type RequestBody } from '../server/body-reader';
import { badRequest, HttpError } from '../server/http-error';
import type { Answer } from '../upload-sessions/session-handlers';

/** How long a minted caller token lives. */
const LIFETIME_S = 3600;
const ISSUER_PATH = /^\/_emulator\/callers\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;
const KEYS_PATH = '/_emulator/callers/keys';

/** The issuer of the emulator's caller tokens in `tenant`, Entra's shape (`…/{tenant}/v2.0`) under the emulator's origin. */
export function callerIssuer(origin: string, tenant: string): string {
  return `${origin}/_emulator/callers/${tenant}/v2.0`;
}

/**
 * TEST-ONLY: an authority of its own that signs caller tokens for the seeded users (SEED_USERS) or any oid,
 * so the gateway's caller authentication and catalog roles can be tried without Entra. Its key is made when
 * the emulator starts and never leaves it; its tokens are worthless anywhere else (docs/emulator.md).
 */
export class CallerTokens {
  private key: Promise<{ privateKey: CryptoKey; jwk: JWK }> | undefined;

  /** Answers the issuer's OpenID configuration, its keys, and `POST /_emulator/caller-tokens`; undefined for any other path. */
  route(req: IncomingMessage, url: URL, body: RequestBody, origin: string): Promise<Answer> | undefined {
    const what = `${req.method} ${url.pathname}`;
    if (what === 'POST /_emulator/caller-tokens') return readJson(req, body).then((json) => this.mint(json, origin));
    if (what === `GET ${KEYS_PATH}`) return this.signingKey().then(({ jwk }) => ({ status: 200, body: { keys: [jwk] } }));
    const tenant = req.method === 'GET' ? ISSUER_PATH.exec(url.pathname)?.[1] : undefined;
    if (tenant === undefined) return undefined;
    // `organizations` is the tenant-independent document, whose issuer is a template (as Entra's).
    const issuer = isGuid(tenant) ? tenant.toLowerCase() : tenant === 'organizations' ? '{tenantid}' : undefined;
    if (issuer === undefined) return Promise.reject(badRequest('The tenant must be a tenant id (a GUID) or organizations.'));
    return Promise.resolve({ status: 200, body: { issuer: callerIssuer(origin, issuer), jwks_uri: `${origin}${KEYS_PATH}`, id_token_signing_alg_values_supported: ['RS256'] } });
  }

  /** `{user: owner|reader|stranger|<oid>, tenant?, audience?, scopes?}` → an OAuth token response. */
  private async mint(json: Record<string, unknown>, origin: string): Promise<Answer> {
    const { user, tenant = EMULATOR_DEFAULT_TENANT, audience = EMULATOR_CALLER_AUDIENCE, scopes = ['access_as_user'] } = json;
    const oid = typeof user === 'string' && Object.hasOwn(SEED_USERS, user) ? SEED_USERS[user as keyof typeof SEED_USERS] : user;
    if (!isGuid(oid)) throw badRequest(`user must be one of ${Object.keys(SEED_USERS).join(', ')}, or an object id (a GUID).`);
    if (!isGuid(tenant)) throw badRequest('tenant must be a tenant id (a GUID).');
    if (typeof audience !== 'string' || audience === '') throw badRequest('audience must be a non-empty string.');
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && /^\S+$/.test(scope))) throw badRequest('scopes must be an array of scope names.');
    const { SignJWT } = await loadJose();
    const { privateKey, jwk } = await this.signingKey();
    const tid = tenant.toLowerCase();
    const claims = { tid, oid: oid.toLowerCase(), azp: 'emulator-caller', scp: scopes.join(' '), ver: '2.0', ...(oid !== user && { name: `Seeded ${String(user)}` }) };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid!, typ: 'JWT' })
      .setIssuer(callerIssuer(origin, tid))
      .setSubject(oid.toLowerCase())
      .setAudience(audience)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${LIFETIME_S}s`)
      .setJti(randomUUID())
      .sign(privateKey);
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: LIFETIME_S } };
  }

  private signingKey(): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
    return (this.key ??= loadJose().then(async ({ exportJWK, generateKeyPair }) => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' } };
    }));
  }
}

/**
 * The caller-token paths of an emulator not asked to mint (`npm run emulator` with NODE_ENV=production, the
 * gateway's embedded emulator): 404, saying why.
 */
export function noCallerTokens(url: URL): Promise<Answer> | undefined {
  if (url.pathname === '/_emulator/caller-tokens' || url.pathname.startsWith('/_emulator/callers/')) {
    return Promise.reject(new HttpError(404, 'ResourceNotFound', 'This emulator mints no caller tokens: never with NODE_ENV=production, nor embedded in the gateway (docs/emulator.md).'));
  }
  return undefined;
}
