import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export type GraphAuthMode = 'emulator' | 'passthrough';
export type GraphCloud = 'global' | 'usgov' | 'usgovdod' | 'china';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

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
  readonly requestDeadlineMs: number;
  readonly corsOrigins: readonly string[];
  readonly maxGraphCallsPerOperation: number;
  readonly shutdownGraceMs: number;
  /** Extra pino paths to blank in every log line, on top of the built-in credential paths. */
  readonly logRedact: readonly string[];
  /** OTLP/HTTP collector root; tracing is off (and its code never loaded) when unset. */
  readonly otlpEndpoint: URL | undefined;
  /** Processes serving the port (node:cluster); 1 = no cluster. */
  readonly workers: number;
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
    requestDeadlineMs: integer(env, 'REQUEST_DEADLINE_MS', 30_000, 1, 600_000),
    corsOrigins: corsOrigins(env, graphAuth === 'emulator' && !production),
    maxGraphCallsPerOperation: integer(env, 'MAX_GRAPH_CALLS_PER_OPERATION', 10, 1, 1000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
    logRedact: list(env, 'LOG_REDACT'),
    otlpEndpoint: otlpEndpoint(env),
    workers: workers(env),
  });
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '').split(',').map((item) => item.trim()).filter(Boolean);
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
}

/** `npm run emulator`: EMULATOR_PORT (default 4001) and EMULATOR_HOST (default 127.0.0.1). */
export function loadEmulatorConfig(env: Env): EmulatorConfig {
  return Object.freeze({ port: integer(env, 'EMULATOR_PORT', 4001, 0, 65535), host: text(env, 'EMULATOR_HOST') ?? '127.0.0.1' });
}
