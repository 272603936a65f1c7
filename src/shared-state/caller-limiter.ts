import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { CallerLimitConfig } from '../config';

/**
 * The per-caller limit, a fixed window per caller. With Redis it is one count across the replicas (one
 * round trip per request); while Redis is unreachable each replica counts in its own memory, which
 * rate-limiter-flexible switches to by itself (its insurance limiter), and back once Redis answers.
 */
export function createCallerLimiter(limit: CallerLimitConfig, redis: Redis | undefined): (callerKey: string) => Promise<number | undefined> {
  const options = { points: limit.requests, duration: limit.windowSeconds, keyPrefix: 'upload-session-gateway:caller' };
  const memory = new RateLimiterMemory(options);
  const limiter = redis ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory }) : memory;
  return async (callerKey) => {
    try {
      await limiter.consume(callerKey);
      return undefined;
    } catch (refusal) {
      // Anything but a refusal is the store failing: no request fails because of it.
      return refusal instanceof RateLimiterRes ? refusal.msBeforeNext : undefined;
    }
  };
}
