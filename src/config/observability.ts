import { list, oneOf, url, type Env } from './read';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ObservabilityConfig {
  readonly logLevel: LogLevel;
  /** Extra pino paths to blank in every log line, on top of the built-in credential paths. */
  readonly logRedact: readonly string[];
  /** OTLP/HTTP collector root; tracing is off (and its code never loaded) when unset. */
  readonly otlpEndpoint: URL | undefined;
}

export function readObservabilityConfig(env: Env): ObservabilityConfig {
  return {
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    logRedact: list(env, 'LOG_REDACT'),
    // A collector in the cluster is often plain http on a private network: that is the operator's call.
    otlpEndpoint: url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', { protocols: ['http:', 'https:'] }),
  };
}
