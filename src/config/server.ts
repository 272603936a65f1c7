import { availableParallelism } from 'node:os';
import { ConfigError, integer, text, url, type Env } from './read';

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** METRICS_PORT: serve /metrics on this port only (not on the public one); undefined = on the public port. */
  readonly metricsPort: number | undefined;
  readonly corsOrigins: readonly string[];
  /** Also allow any `http://localhost:*` and `http://127.0.0.1:*` origin (a frontend's dev server): the emulator's default. */
  readonly corsLoopback: boolean;
  readonly requestDeadlineMs: number;
  readonly shutdownGraceMs: number;
  /** After a stop signal: answer /readyz 503 but keep accepting this long, for load balancers to notice. */
  readonly drainDelayMs: number;
  /** Processes serving the port (node:cluster); 1 = no cluster. */
  readonly workers: number;
}

/** The origins Apollo Sandbox calls from: the embedded landing page's iframe and Studio itself. */
export const SANDBOX_ORIGINS = ['https://sandbox.embed.apollographql.com', 'https://studio.apollographql.com'];

/**
 * `development`: the emulator outside production. With no CORS_ORIGINS it admits Apollo Sandbox and any
 * frontend dev server on this machine, so a page on http://localhost:5173 works with no configuration.
 */
export function readServerConfig(env: Env, { development }: { development: boolean }): ServerConfig {
  const port = integer(env, 'PORT', 4000, 0, 65535);
  const metricsPort = text(env, 'METRICS_PORT') === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535);
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) {
    throw new ConfigError('METRICS_PORT', `must differ from PORT (${port}): it exists to keep /metrics off the public port`);
  }
  return {
    port,
    host: text(env, 'HOST') ?? '0.0.0.0',
    metricsPort,
    corsOrigins: corsOrigins(env, development),
    corsLoopback: development && text(env, 'CORS_ORIGINS') === undefined,
    requestDeadlineMs: integer(env, 'REQUEST_DEADLINE_MS', 30_000, 1, 600_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
    drainDelayMs: integer(env, 'DRAIN_DELAY_MS', 0, 0, 600_000),
    workers: text(env, 'WORKERS') === 'auto' ? availableParallelism() : integer(env, 'WORKERS', 1, 1, 256),
  };
}

/** With no CORS_ORIGINS, only the emulator in development lets Apollo Sandbox in. */
function corsOrigins(env: Env, sandboxByDefault: boolean): string[] {
  const raw = text(env, 'CORS_ORIGINS');
  if (raw === undefined) return sandboxByDefault ? SANDBOX_ORIGINS : [];
  const origins = raw.split(',').map((origin) => origin.trim()).filter(Boolean);
  return origins.map((origin) => {
    // A wildcard would let any site spend the caller's credentials: origins are listed one by one.
    if (origin === '*') throw new ConfigError('CORS_ORIGINS', 'must list origins; a wildcard is not allowed');
    const parsed = url({ CORS_ORIGINS: origin }, 'CORS_ORIGINS', { protocols: ['https:', 'http:'] })!;
    if (parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError('CORS_ORIGINS', `entries must be bare origins (scheme://host[:port]), got "${origin}"`);
    }
    return parsed.origin;
  });
}
