import { accessSync, constants, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export type GraphAuthMode = 'emulator' | 'passthrough' | 'app' | 'obo';
export type GraphCloud = 'global' | 'usgov' | 'usgovdod' | 'china';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type TrustedDocumentsMode = 'enforce' | 'allow' | 'off';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly production: boolean;
  /** Schema introspection and the Apollo Sandbox landing page: on outside production unless turned off, and the reverse. */
  readonly introspection: boolean;
  readonly sandbox: boolean;
  readonly logLevel: LogLevel;
  readonly graphAuth: GraphAuthMode;
  readonly graphCloud: GraphCloud;
  /** Graph root including the version segment; undefined in emulator mode until the emulator listens. */
  readonly graphBaseUrl: URL | undefined;
  readonly graphMaxRetries: number;
  readonly graphAttemptTimeoutMs: number;
  /** Backoff without Retry-After: full jitter under min(max, base × 2^retry). */
  readonly graphRetryBaseMs: number;
  readonly graphRetryMaxMs: number;
  readonly graphMaxConcurrency: number;
  readonly graphMaxQueue: number;
  readonly graphBreakerFailures: number;
  readonly graphBreakerHalfOpenMs: number;
  readonly requestDeadlineMs: number;
  readonly corsOrigins: readonly string[];
  readonly maxGraphCallsPerOperation: number;
  readonly shutdownGraceMs: number;
  /** After a stop signal: answer /readyz 503 but keep accepting this long, for load balancers to notice. */
  readonly drainDelayMs: number;
  /** Serve the Apollo Federation 2 subgraph fields (`_service`, `_entities`) too. */
  readonly federation: boolean;
  /** enforce: run only documents of the manifest; allow: run all, log unknown ones; off: no check. */
  readonly trustedDocuments: TrustedDocumentsMode;
  /** A persisted-documents manifest (hash → document) to use instead of the built-in one that `npm run codegen` writes. */
  readonly trustedDocumentsManifest: string | undefined;
  /** How the gateway proves itself to the authority in `app` and `obo` modes; undefined otherwise. */
  readonly graphCredential: GraphCredentialConfig | undefined;
  /** The authority (Entra) host the credentials talk to, and the scope they ask for. */
  readonly authority: AuthorityConfig;
  /** Caller token validation; undefined when callers are not authenticated by the gateway. */
  readonly callerAuth: CallerAuthConfig | undefined;
  /** AUTH_DISABLED=true: `app`/`obo` run without caller authentication, on the operator's explicit word. */
  readonly authDisabled: boolean;
  /** Extra pino paths to blank in every log line, on top of the built-in credential paths. */
  readonly logRedact: readonly string[];
  /** OTLP/HTTP collector root; tracing is off (and its code never loaded) when unset. */
  readonly otlpEndpoint: URL | undefined;
  /** Processes serving the port (node:cluster); 1 = no cluster. */
  readonly workers: number;
}

/** The one credential `app` or `obo` mode uses, chosen by which variables are set: never a chain. */
export type GraphCredentialConfig =
  | { readonly kind: 'client-secret'; readonly tenantId: string; readonly clientId: string; readonly clientSecret: string }
  | {
      readonly kind: 'client-certificate';
      readonly tenantId: string;
      readonly clientId: string;
      readonly certificatePath: string;
      readonly certificatePassword: string | undefined;
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

export interface CallerAuthConfig {
  readonly issuer: string;
  /** Any one of them must be the token's `aud`. */
  readonly audiences: readonly string[];
  /** Undefined: discovered from the issuer's OpenID configuration. */
  readonly jwksUri: URL | undefined;
  readonly requiredScopes: readonly string[];
  readonly requiredRoles: readonly string[];
  /** Minimum time between JWKS downloads prompted by an unknown `kid`. */
  readonly jwksCooldownMs: number;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
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

/** The origins Apollo Sandbox calls from: the embedded landing page's iframe and Studio itself. */
export const SANDBOX_ORIGINS = ['https://sandbox.embed.apollographql.com', 'https://studio.apollographql.com'];

type Env = Readonly<Record<string, string | undefined>>;

/** Loads `.env` from the working directory (variables already set win), then returns the environment. */
export function readEnvironment(): Env {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

export function loadConfig(env: Env): Config {
  const graphAuth = oneOf(env, 'GRAPH_AUTH', ['emulator', 'passthrough', 'app', 'obo'] as const, 'emulator');
  const graphCloud = oneOf(env, 'GRAPH_CLOUD', ['global', 'usgov', 'usgovdod', 'china'] as const, 'global');
  const production = env.NODE_ENV === 'production';
  const federation = boolean(env, 'FEDERATION', false);
  // Production defaults to allow, not enforce: a router's query plans and other teams' frontends are not in
  // our manifest, so enforcing is a decision an operator makes after reading the logged unknown documents.
  const trustedDocuments = oneOf(env, 'TRUSTED_DOCUMENTS', ['enforce', 'allow', 'off'] as const, production ? 'allow' : 'off');
  if (federation && trustedDocuments === 'enforce') {
    throw new ConfigError('TRUSTED_DOCUMENTS', "must not be enforce with FEDERATION=true: a router's query plans are in no manifest (enforce trusted documents in the router)");
  }
  const baseUrl = graphBaseUrl(env, graphAuth, graphCloud);
  const callerAuth = callerAuthConfig(env);
  const authDisabled = boolean(env, 'AUTH_DISABLED', false);
  if (authDisabled && callerAuth) {
    throw new ConfigError('AUTH_DISABLED', 'is true but AUTH_ISSUER is set: choose one');
  }
  // A gateway holding Graph credentials must not lend them to anyone who can reach it.
  if ((graphAuth === 'app' || graphAuth === 'obo') && !callerAuth && !authDisabled) {
    throw new ConfigError(
      'AUTH_ISSUER',
      `must be set (with AUTH_AUDIENCE) in GRAPH_AUTH=${graphAuth}: callers must be authenticated, or set AUTH_DISABLED=true explicitly`,
    );
  }
  return Object.freeze({
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    production,
    introspection: boolean(env, 'GRAPHQL_INTROSPECTION', !production),
    sandbox: boolean(env, 'GRAPHQL_SANDBOX', !production),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    graphAuth,
    graphCloud,
    graphBaseUrl: baseUrl,
    graphMaxRetries: integer(env, 'GRAPH_MAX_RETRIES', 3, 0, 10),
    graphAttemptTimeoutMs: integer(env, 'GRAPH_ATTEMPT_TIMEOUT_MS', 10_000, 1, 300_000),
    graphRetryBaseMs: integer(env, 'GRAPH_RETRY_BASE_MS', 200, 1, 60_000),
    graphRetryMaxMs: integer(env, 'GRAPH_RETRY_MAX_MS', 10_000, 1, 180_000),
    graphMaxConcurrency: integer(env, 'GRAPH_MAX_CONCURRENCY', 64, 1, 10_000),
    graphMaxQueue: integer(env, 'GRAPH_MAX_QUEUE', 1024, 0, 1_000_000),
    graphBreakerFailures: integer(env, 'GRAPH_BREAKER_FAILURES', 5, 1, 1000),
    graphBreakerHalfOpenMs: integer(env, 'GRAPH_BREAKER_HALF_OPEN_MS', 10_000, 1, 600_000),
    requestDeadlineMs: integer(env, 'REQUEST_DEADLINE_MS', 30_000, 1, 600_000),
    corsOrigins: corsOrigins(env, graphAuth === 'emulator' && !production),
    maxGraphCallsPerOperation: integer(env, 'MAX_GRAPH_CALLS_PER_OPERATION', 10, 1, 1000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
    drainDelayMs: integer(env, 'DRAIN_DELAY_MS', 0, 0, 600_000),
    federation,
    trustedDocuments,
    trustedDocumentsManifest: existingFile(env, 'TRUSTED_DOCUMENTS_MANIFEST'),
    graphCredential: graphAuth === 'app' ? appCredential(env) : graphAuth === 'obo' ? oboCredential(env) : undefined,
    authority: authorityConfig(env, graphCloud, baseUrl),
    callerAuth,
    authDisabled,
    logRedact: list(env, 'LOG_REDACT'),
    otlpEndpoint: otlpEndpoint(env),
    workers: workers(env),
  });
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false, got "${raw}"`);
  return raw === 'true';
}

function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

function required(env: Env, name: string, why: string): string {
  const value = text(env, name);
  if (value === undefined) throw new ConfigError(name, `must be set ${why}`);
  return value;
}

function readableFile(env: Env, name: string): string {
  const path = text(env, name)!;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(name, `names a file that cannot be read: "${path}"`);
  }
  return path;
}

/** An https URL, or http on a loopback host (local emulators and test authorities). */
function secureUrl(env: Env, name: string): URL | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError(name, `must be an https: URL (http: only for a loopback host), got "${raw}"`);
  }
  return url;
}

/** Exactly one of the credential variables picks the kind; two set at once is a mistake, not a fallback order. */
function appCredential(env: Env): GraphCredentialConfig {
  const chosen = credentialVariables(env, ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_MANAGED_IDENTITY']);
  if (chosen === 'AZURE_MANAGED_IDENTITY') return { kind: 'managed-identity', clientId: text(env, 'AZURE_CLIENT_ID') };
  return registeredAppCredential(env, chosen, 'app');
}

function oboCredential(env: Env): GraphCredentialConfig {
  const chosen = credentialVariables(env, ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE']);
  return registeredAppCredential(env, chosen, 'obo');
}

function credentialVariables<T extends string>(env: Env, names: readonly T[]): T {
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
      return { kind: 'client-secret', tenantId, clientId, clientSecret: text(env, 'AZURE_CLIENT_SECRET')! };
    case 'AZURE_CLIENT_CERTIFICATE_PATH':
      if (mode === 'obo' && text(env, 'AZURE_CLIENT_CERTIFICATE_PASSWORD') !== undefined) {
        throw new ConfigError('AZURE_CLIENT_CERTIFICATE_PASSWORD', 'cannot be used with GRAPH_AUTH=obo: the on-behalf-of credential reads an unencrypted PEM only');
      }
      return {
        kind: 'client-certificate',
        tenantId,
        clientId,
        certificatePath: readableFile(env, 'AZURE_CLIENT_CERTIFICATE_PATH'),
        certificatePassword: text(env, 'AZURE_CLIENT_CERTIFICATE_PASSWORD'),
      };
    default:
      return { kind: 'workload-identity', tenantId, clientId, tokenFilePath: readableFile(env, 'AZURE_FEDERATED_TOKEN_FILE') };
  }
}

function authorityConfig(env: Env, cloud: GraphCloud, baseUrl: URL | undefined): AuthorityConfig {
  const host = authorityHost(env) ?? new URL(AUTHORITY_HOSTS[cloud]);
  // Tokens are minted for the Graph host that is called: a GRAPH_BASE_URL elsewhere gets tokens for itself.
  const graphOrigin = baseUrl?.origin ?? GRAPH_HOSTS[cloud];
  return {
    host,
    disableInstanceDiscovery: !Object.values(AUTHORITY_HOSTS).includes(host.origin),
    graphScope: `${graphOrigin}/.default`,
  };
}

/** @azure/identity refuses a plain-http authority, loopback included: so does this. */
function authorityHost(env: Env): URL | undefined {
  const raw = text(env, 'AZURE_AUTHORITY_HOST');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('AZURE_AUTHORITY_HOST', `is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'https:') throw new ConfigError('AZURE_AUTHORITY_HOST', `must be an https: URL, got "${raw}"`);
  return url;
}

function callerAuthConfig(env: Env): CallerAuthConfig | undefined {
  const issuer = text(env, 'AUTH_ISSUER');
  const jwksUri = secureUrl(env, 'AUTH_JWKS_URI');
  if (issuer === undefined) {
    for (const name of ['AUTH_JWKS_URI', 'AUTH_AUDIENCE', 'AUTH_REQUIRED_SCOPES', 'AUTH_REQUIRED_ROLES']) {
      if (text(env, name) !== undefined) throw new ConfigError('AUTH_ISSUER', `must be set when ${name} is`);
    }
    return undefined;
  }
  if (jwksUri === undefined) secureUrl(env, 'AUTH_ISSUER'); // the issuer is then fetched from: it must be a safe URL
  const audiences = list(env, 'AUTH_AUDIENCE');
  if (audiences.length === 0) throw new ConfigError('AUTH_AUDIENCE', 'must be set when AUTH_ISSUER is (the gateway API\'s application ID URI or client id)');
  return {
    issuer,
    audiences,
    jwksUri,
    requiredScopes: list(env, 'AUTH_REQUIRED_SCOPES'),
    requiredRoles: list(env, 'AUTH_REQUIRED_ROLES'),
    jwksCooldownMs: integer(env, 'AUTH_JWKS_COOLDOWN_MS', 30_000, 0, 3_600_000),
  };
}

function existingFile(env: Env, name: string): string | undefined {
  const path = text(env, name);
  if (path !== undefined && !existsSync(path)) throw new ConfigError(name, `names no file: "${path}"`);
  return path;
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}


function otlpEndpoint(env: Env): URL | undefined {
  const raw = text(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (raw === undefined) return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new ConfigError('OTEL_EXPORTER_OTLP_ENDPOINT', `must be an http: or https: URL, got "${raw}"`);
  }
  return url;
}

/** `auto` = one process per CPU the runtime may use (cgroup limits included). */
function workers(env: Env): number {
  if (text(env, 'WORKERS') === 'auto') return availableParallelism();
  return integer(env, 'WORKERS', 1, 1, 256);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function graphBaseUrl(env: Env, auth: GraphAuthMode, cloud: GraphCloud): URL | undefined {
  const raw = text(env, 'GRAPH_BASE_URL');
  if (raw === undefined) return auth === 'emulator' ? undefined : new URL(`${GRAPH_HOSTS[cloud]}/beta`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('GRAPH_BASE_URL', `is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('GRAPH_BASE_URL', `must be an https: URL, got "${url.protocol}"`);
  }
  // A bearer token must never cross a network in clear text: plain http is for local emulators only.
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ConfigError('GRAPH_BASE_URL', `may use http: only for a loopback host, got "${url.hostname}"`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('GRAPH_BASE_URL', 'must not carry a query, fragment or credentials');
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** With no CORS_ORIGINS, only the emulator in development lets Apollo Sandbox in. */
function corsOrigins(env: Env, sandboxByDefault: boolean): string[] {
  const raw = text(env, 'CORS_ORIGINS');
  if (raw === undefined) return sandboxByDefault ? SANDBOX_ORIGINS : [];
  const origins = raw.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    // A wildcard would let any site spend the caller's credentials: origins are listed one by one.
    if (origin === '*') throw new ConfigError('CORS_ORIGINS', 'must list origins; a wildcard is not allowed');
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError('CORS_ORIGINS', `has an entry that is not an origin: "${origin}"`);
    }
    if (parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError('CORS_ORIGINS', `entries must be bare origins (scheme://host[:port]), got "${origin}"`);
    }
  }
  return origins.map((origin) => new URL(origin).origin);
}

export interface EmulatorConfig {
  readonly port: number;
  readonly host: string;
  /** When set, Graph tokens are checked as Graph would (EMULATOR_JWKS_URI and/or EMULATOR_ISSUER). */
  readonly auth: { readonly jwksUri: URL | undefined; readonly issuer: string | undefined; readonly audiences: readonly string[] } | undefined;
}

/** `npm run emulator`: EMULATOR_PORT (default 4001), EMULATOR_HOST (default 127.0.0.1), and optional token checking. */
export function loadEmulatorConfig(env: Env): EmulatorConfig {
  const jwksUri = secureUrl(env, 'EMULATOR_JWKS_URI');
  const issuer = text(env, 'EMULATOR_ISSUER');
  if (issuer !== undefined && jwksUri === undefined) secureUrl(env, 'EMULATOR_ISSUER');
  return Object.freeze({
    port: integer(env, 'EMULATOR_PORT', 4001, 0, 65535),
    host: text(env, 'EMULATOR_HOST') ?? '127.0.0.1',
    auth: jwksUri || issuer ? { jwksUri, issuer, audiences: list(env, 'EMULATOR_AUDIENCE') } : undefined,
  });
}
