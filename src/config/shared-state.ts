import { integer, text, url, type Env } from './read';
import { Secret } from './secret';

export interface SharedStateConfig {
  /** REDIS_URL, credentials included: a `Secret`, so logging the config cannot leak them. Undefined: each process keeps its own. */
  readonly redisUrl: Secret | undefined;
  /** Scheme, host and port of REDIS_URL, for log lines. */
  readonly redisHost: string | undefined;
  /** GraphQL requests one caller may make per window; undefined when there is no limit. */
  readonly callerLimit: CallerLimitConfig | undefined;
}

export interface CallerLimitConfig {
  readonly requests: number;
  readonly windowSeconds: number;
}

export function readSharedStateConfig(env: Env): SharedStateConfig {
  const redis = url(env, 'REDIS_URL', { protocols: ['redis:', 'rediss:'] });
  const windowSeconds = integer(env, 'RATE_LIMIT_WINDOW_S', 60, 1, 86_400);
  const limited = text(env, 'RATE_LIMIT_PER_CALLER') !== undefined;
  return {
    redisUrl: redis ? new Secret(redis.href) : undefined,
    redisHost: redis ? `${redis.protocol}//${redis.host}` : undefined,
    callerLimit: limited ? { requests: integer(env, 'RATE_LIMIT_PER_CALLER', 0, 1, 1_000_000), windowSeconds } : undefined,
  };
}
