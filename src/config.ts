import { existsSync } from 'node:fs';

export type GraphAuthMode = 'emulator' | 'passthrough';
export type GraphCloud = 'global' | 'usgov' | 'usgovdod' | 'china';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type TrustedDocumentsMode = 'enforce' | 'allow' | 'off';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly production: boolean;
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

/** The origins Apollo Sandbox calls from: the embedded landing page's iframe and Studio itself. */
export const SANDBOX_ORIGINS = ['https://sandbox.embed.apollographql.com', 'https://studio.apollographql.com'];

type Env = Readonly<Record<string, string | undefined>>;

/** Loads `.env` from the working directory (variables already set win), then returns the environment. */
export function readEnvironment(): Env {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

export function loadConfig(env: Env): Config {
  const graphAuth = oneOf(env, 'GRAPH_AUTH', ['emulator', 'passthrough'] as const, 'emulator');
  const graphCloud = oneOf(env, 'GRAPH_CLOUD', ['global', 'usgov', 'usgovdod', 'china'] as const, 'global');
  const production = env.NODE_ENV === 'production';
  const federation = flag(env, 'FEDERATION');
  // Production defaults to allow, not enforce: a router's query plans and other teams' frontends are not in
  // our manifest, so enforcing is a decision an operator makes after reading the logged unknown documents.
  const trustedDocuments = oneOf(env, 'TRUSTED_DOCUMENTS', ['enforce', 'allow', 'off'] as const, production ? 'allow' : 'off');
  if (federation && trustedDocuments === 'enforce') {
    throw new ConfigError('TRUSTED_DOCUMENTS', "must not be enforce with FEDERATION=true: a router's query plans are in no manifest (enforce trusted documents in the router)");
  }
  return Object.freeze({
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    production,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    graphAuth,
    graphCloud,
    graphBaseUrl: graphBaseUrl(env, graphAuth, graphCloud),
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
  });
}

function existingFile(env: Env, name: string): string | undefined {
  const path = text(env, name);
  if (path !== undefined && !existsSync(path)) throw new ConfigError(name, `names no file: "${path}"`);
  return path;
}

function flag(env: Env, name: string): boolean {
  return oneOf(env, name, ['true', 'false'] as const, 'false') === 'true';
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
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
}

/** `npm run emulator`: EMULATOR_PORT (default 4001) and EMULATOR_HOST (default 127.0.0.1). */
export function loadEmulatorConfig(env: Env): EmulatorConfig {
  return Object.freeze({ port: integer(env, 'EMULATOR_PORT', 4001, 0, 65535), host: text(env, 'EMULATOR_HOST') ?? '127.0.0.1' });
}
