import { createHash } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { ConfigError, type AuthConfig, type GraphConfig } from '../config';
import { AuthorityRequestError, authorityRequestError } from './authority-failure';
import { unauthenticated } from './caller-refusal';
import { appCredential, checkCertificateFile, CREDENTIAL_VARIABLE, oboCredential } from './graph-credential';
import { keyHash } from './token-claims';

/** What a GraphQL request lends to the choice of Graph credential. */
export interface CredentialRequest {
  /** The caller's bearer token, if any (already validated when caller authentication is on). */
  bearer: string | undefined;
  /**
   * The verified caller's tenant (its token's `tid`): Graph is asked in it. Only a validated token sets it,
   * so nothing else in a request can point the gateway at another tenant; undefined: the home tenant.
   */
  tenantId?: string;
  signal: AbortSignal;
}

/** Given a caller, how to authorize this request's Graph calls: asked again on every attempt, so tokens can refresh. */
export type GraphAuthorization = (request: CredentialRequest) => () => Promise<string>;

export interface GraphAuthorizationPlan {
  authorize: GraphAuthorization;
  /** For the start-up log: the mode and credential kind, never a secret. */
  description: string;
  /** Start-up checks: a certificate that cannot be read, a credential the authority refuses. */
  verify(logger: Logger): Promise<void>;
}

/** What the gateway sends to its embedded emulator: a placeholder, never a real credential. */
const EMULATOR_TOKEN = 'Bearer emulator-mode-no-real-credential';

/** The placeholder naming the caller's tenant, as a Graph token's `tid` would: the emulator answers from that tenant's world. */
function emulatorToken(tenantId: string | undefined): string {
  if (tenantId === undefined) return EMULATOR_TOKEN;
  return `${EMULATOR_TOKEN}.${Buffer.from(JSON.stringify({ tid: tenantId, appid: 'emulator-mode' })).toString('base64url')}.`;
}
/** Exchanged tokens are reused until this long before they expire (MSAL renews app tokens with the same margin). */
const OBO_REFRESH_MARGIN_MS = 5 * 60_000;
const OBO_CACHE_ENTRIES = 10_000;
/** The longest one on-behalf-of exchange may take, whoever is waiting for it. */
const OBO_EXCHANGE_TIMEOUT_MS = 10_000;

export function graphAuthorization(config: GraphConfig, { tenants }: Pick<AuthConfig, 'tenants'> = { tenants: undefined }): GraphAuthorizationPlan {
  const { credential: credentialConfig, authority } = config;
  const scope = authority.graphScope;
  switch (config.auth) {
    case 'emulator':
      return { authorize: ({ tenantId }) => async () => emulatorToken(tenantId), description: 'emulator placeholder token', verify: async () => {} };
    case 'passthrough':
      return {
        authorize: ({ bearer }) => async () => `Bearer ${requireBearer(bearer, 'your Microsoft Graph access token')}`,
        description: 'the caller’s own Graph token (passthrough)',
        verify: async () => {},
      };
    case 'app': {
      const credential = appCredential(credentialConfig!, authority, tenants);
      // A managed identity cannot ask another tenant (config refuses AUTH_TENANTS naming others): it is never told one.
      const tenantOf = (tenantId: string | undefined) => (credentialConfig!.kind === 'managed-identity' ? undefined : tenantId);
      return {
        authorize: ({ signal, tenantId }) => async () => `Bearer ${(await graphToken(credential, scope, signal, tenantOf(tenantId))).token}`,
        description: `app credential ${credentialConfig!.kind}`,
        async verify(logger) {
          checkCertificateFile(credentialConfig!);
          try {
            await graphToken(credential, scope, AbortSignal.timeout(15_000));
          } catch (error) {
            const { failure } = authorityRequestError(error);
            // The authority down at start-up is survivable (requests answer UPSTREAM_UNAVAILABLE meanwhile); a refused credential is not.
            if (failure.kind !== 'rejected') return void logger.warn({ authority: authority.host.origin }, 'authority unreachable at start-up; continuing');
            throw new ConfigError(CREDENTIAL_VARIABLE[credentialConfig!.kind], `was refused by the authority (${[failure.aadsts, failure.oauthError].filter(Boolean).join(', ')})`);
          }
        },
      };
    }
    case 'obo': {
      // Concurrent requests with one caller token share one exchange, so it belongs to none of them: it has
      // its own time limit, and a caller that leaves stops waiting for it without cancelling it for the others.
      const exchanged = new LRUCache<string, AccessToken, { assertion: string; tenantId: string | undefined }>({
        max: OBO_CACHE_ENTRIES,
        fetchMethod: async (_key, _stale, { context, options, signal }) => {
          const limited = AbortSignal.any([signal, AbortSignal.timeout(OBO_EXCHANGE_TIMEOUT_MS)]);
          const credential = oboCredential(credentialConfig!, authority, context.assertion, tenants);
          const token = await graphToken(credential, scope, limited, context.tenantId);
          options.ttl = Math.max(1, token.expiresOnTimestamp - OBO_REFRESH_MARGIN_MS - Date.now());
          return token;
        },
      });
      return {
        authorize: ({ bearer, signal, tenantId }) => async () => {
          const assertion = requireBearer(bearer, 'an access token for this API');
          // Keyed by the tenant and a hash: the cache holds exchanged tokens, not the callers' own.
          const key = keyHash('obo', tenantId ?? '', createHash('sha256').update(assertion).digest('base64url'));
          const token = await untilAborted(exchanged.fetch(key, { context: { assertion, tenantId } }), signal);
          return `Bearer ${token!.token}`;
        },
        description: `on-behalf-of the caller with ${credentialConfig!.kind}`,
        verify: async () => checkCertificateFile(credentialConfig!),
      };
    }
  }
}

/** `tenantId`: the tenant to ask in (the caller's); the credential's home tenant when undefined. */
async function graphToken(credential: TokenCredential, scope: string, signal: AbortSignal, tenantId?: string): Promise<AccessToken> {
  let token: AccessToken | null;
  try {
    token = await credential.getToken(scope, { abortSignal: signal, ...(tenantId !== undefined && { tenantId }) });
  } catch (error) {
    throw authorityRequestError(error);
  }
  if (!token) throw authorityRequestError(new Error('the credential returned no token'));
  return token;
}

/** `promise`, unless `signal` aborts first: then the wait ends as an aborted token request. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = () => new AuthorityRequestError({ kind: 'aborted', message: 'token request aborted' });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const leave = () => reject(aborted());
    signal.addEventListener('abort', leave, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
  });
}

function requireBearer(bearer: string | undefined, what: string): string {
  if (bearer === undefined) throw unauthenticated(`Send ${what} as "Authorization: Bearer <token>".`);
  return bearer;
}
