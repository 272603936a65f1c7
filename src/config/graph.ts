import { ConfigError, boolean, integer, oneOf, readableFile, required, text, url, type Env } from './read';
import { Secret } from './secret';

export type GraphAuthMode = 'emulator' | 'passthrough' | 'app' | 'obo';
export type GraphCloud = 'global' | 'usgov' | 'usgovdod' | 'china';

export interface GraphConfig {
  readonly auth: GraphAuthMode;
  readonly cloud: GraphCloud;
  /** Graph root including the version segment; undefined in emulator mode until the emulator listens. */
  readonly baseUrl: URL | undefined;
  readonly maxRetries: number;
  readonly attemptTimeoutMs: number;
  /** Backoff without Retry-After: full jitter under min(max, base × 2^retry). */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly maxConcurrency: number;
  readonly maxQueue: number;
  readonly breakerFailures: number;
  readonly breakerHalfOpenMs: number;
  /** How the gateway proves itself to the authority in `app` and `obo` modes; undefined otherwise. */
  readonly credential: GraphCredentialConfig | undefined;
  /** The authority (Entra) host the credentials talk to, and the scope they ask for. */
  readonly authority: AuthorityConfig;
}

/** The one credential `app` or `obo` mode uses, chosen by which variables are set: never a chain. */
export type GraphCredentialConfig =
  | { readonly kind: 'client-secret'; readonly tenantId: string; readonly clientId: string; readonly clientSecret: Secret }
  | {
      readonly kind: 'client-certificate';
      readonly tenantId: string;
      readonly clientId: string;
      readonly certificatePath: string;
      readonly certificatePassword: Secret | undefined;
    }
  | { readonly kind: 'workload-identity'; readonly tenantId: string; readonly clientId: string; readonly tokenFilePath: string }
  | { readonly kind: 'managed-identity'; readonly clientId: string | undefined };

export interface AuthorityConfig {
  readonly host: URL;
  /** Instance discovery asks Microsoft's login host about the authority: only sensible for Microsoft's own. */
  readonly disableInstanceDiscovery: boolean;
  /** `{graph host}/.default`. */
  readonly graphScope: string;
}

const GRAPH_HOSTS: Record<GraphCloud, string> = {
  global: 'https://graph.microsoft.com',
  usgov: 'https://graph.microsoft.us',
  usgovdod: 'https://dod-graph.microsoft.us',
  china: 'https://microsoftgraph.chinacloudapi.cn',
};

const AUTHORITY_HOSTS: Record<GraphCloud, string> = {
  global: 'https://login.microsoftonline.com',
  usgov: 'https://login.microsoftonline.us',
  usgovdod: 'https://login.microsoftonline.us',
  china: 'https://login.chinacloudapi.cn',
};

export function readGraphConfig(env: Env, production: boolean): GraphConfig {
  // In production a forgotten GRAPH_AUTH must not ship the emulator's fake data behind a green readiness probe.
  if (production && text(env, 'GRAPH_AUTH') === undefined) {
    throw new ConfigError('GRAPH_AUTH', 'must be set when NODE_ENV=production (passthrough, app or obo; emulator only on purpose, for demos)');
  }
  const auth = oneOf(env, 'GRAPH_AUTH', ['emulator', 'passthrough', 'app', 'obo'] as const, 'emulator');
  const cloud = oneOf(env, 'GRAPH_CLOUD', ['global', 'usgov', 'usgovdod', 'china'] as const, 'global');
  const baseUrl = graphBaseUrl(env, auth, cloud);
  return {
    auth,
    cloud,
    baseUrl,
    maxRetries: integer(env, 'GRAPH_MAX_RETRIES', 3, 0, 10),
    attemptTimeoutMs: integer(env, 'GRAPH_ATTEMPT_TIMEOUT_MS', 10_000, 1, 300_000),
    retryBaseMs: integer(env, 'GRAPH_RETRY_BASE_MS', 200, 1, 60_000),
    retryMaxMs: integer(env, 'GRAPH_RETRY_MAX_MS', 10_000, 1, 180_000),
    maxConcurrency: integer(env, 'GRAPH_MAX_CONCURRENCY', 64, 1, 10_000),
    maxQueue: integer(env, 'GRAPH_MAX_QUEUE', 1024, 0, 1_000_000),
    breakerFailures: integer(env, 'GRAPH_BREAKER_FAILURES', 5, 1, 1000),
    breakerHalfOpenMs: integer(env, 'GRAPH_BREAKER_HALF_OPEN_MS', 10_000, 1, 600_000),
    credential: auth === 'app' ? appCredential(env) : auth === 'obo' ? oboCredential(env) : undefined,
    authority: authorityConfig(env, cloud, baseUrl),
  };
}

function graphBaseUrl(env: Env, auth: GraphAuthMode, cloud: GraphCloud): URL | undefined {
  const base = url(env, 'GRAPH_BASE_URL', { httpOnLoopback: true, bare: true });
  if (!base) return auth === 'emulator' ? undefined : new URL(`${GRAPH_HOSTS[cloud]}/beta`);
  base.pathname = base.pathname.replace(/\/+$/, '');
  // The path shape of every call follows the version segment (see graph/graph-paths.ts).
  if (!/\/(beta|v1\.0)$/.test(base.pathname)) {
    throw new ConfigError('GRAPH_BASE_URL', `must end in the Graph version, /beta or /v1.0, got "${base.pathname || '/'}"`);
  }
  return base;
}

/** Exactly one of the credential variables picks the kind; two set at once is a mistake, not a fallback order. */
function appCredential(env: Env): GraphCredentialConfig {
  const chosen = credentialVariable(env, ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_MANAGED_IDENTITY']);
  if (chosen === 'AZURE_MANAGED_IDENTITY') return { kind: 'managed-identity', clientId: text(env, 'AZURE_CLIENT_ID') };
  return registeredAppCredential(env, chosen, 'app');
}

function oboCredential(env: Env): GraphCredentialConfig {
  return registeredAppCredential(env, credentialVariable(env, ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE']), 'obo');
}

function credentialVariable<T extends string>(env: Env, names: readonly T[]): T {
  const set = names.filter((name) => (name === 'AZURE_MANAGED_IDENTITY' ? boolean(env, name, false) : text(env, name) !== undefined));
  if (set.length === 0) throw new ConfigError('GRAPH_AUTH', `is ${text(env, 'GRAPH_AUTH')} but no credential is set: set one of ${names.join(', ')}`);
  if (set.length > 1) throw new ConfigError(set[1]!, `is set together with ${set[0]}: set exactly one credential`);
  return set[0]!;
}

function registeredAppCredential(env: Env, chosen: string, mode: 'app' | 'obo'): GraphCredentialConfig {
  const why = `for GRAPH_AUTH=${mode} with ${chosen}`;
  const tenantId = required(env, 'AZURE_TENANT_ID', why);
  const clientId = required(env, 'AZURE_CLIENT_ID', why);
  switch (chosen) {
    case 'AZURE_CLIENT_SECRET':
      return { kind: 'client-secret', tenantId, clientId, clientSecret: new Secret(text(env, 'AZURE_CLIENT_SECRET')!) };
    case 'AZURE_CLIENT_CERTIFICATE_PATH': {
      const password = text(env, 'AZURE_CLIENT_CERTIFICATE_PASSWORD');
      if (mode === 'obo' && password !== undefined) {
        throw new ConfigError('AZURE_CLIENT_CERTIFICATE_PASSWORD', 'cannot be used with GRAPH_AUTH=obo: the on-behalf-of credential reads an unencrypted PEM only');
      }
      return {
        kind: 'client-certificate',
        tenantId,
        clientId,
        certificatePath: readableFile(env, 'AZURE_CLIENT_CERTIFICATE_PATH'),
        certificatePassword: password === undefined ? undefined : new Secret(password),
      };
    }
    default:
      return { kind: 'workload-identity', tenantId, clientId, tokenFilePath: readableFile(env, 'AZURE_FEDERATED_TOKEN_FILE') };
  }
}

function authorityConfig(env: Env, cloud: GraphCloud, baseUrl: URL | undefined): AuthorityConfig {
  // @azure/identity refuses a plain-http authority, loopback included: so does this.
  const host = url(env, 'AZURE_AUTHORITY_HOST') ?? new URL(AUTHORITY_HOSTS[cloud]);
  // Tokens are minted for the Graph host that is called: a GRAPH_BASE_URL elsewhere gets tokens for itself.
  const graphOrigin = baseUrl?.origin ?? GRAPH_HOSTS[cloud];
  return {
    host,
    disableInstanceDiscovery: !Object.values(AUTHORITY_HOSTS).includes(host.origin),
    graphScope: `${graphOrigin}/.default`,
  };
}
