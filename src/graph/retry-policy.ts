import type { GraphFailure } from '../errors';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The first backoff's ceiling when Graph gives no Retry-After; doubles each retry. */
  baseDelayMs: number;
  /** The ceiling of a backoff (a Retry-After is honoured as long as the deadline allows). */
  maxDelayMs: number;
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
}

const RETRYABLE_STATUSES = new Set([429, 503, 504]);

/**
 * How long to wait before retrying `failure`, or undefined when it must not be retried.
 *
 * Graph asks clients to retry 429, 503 and 504 (PATCH included) after Retry-After, else with
 * exponential backoff; connection failures and attempt timeouts are retried alike. Full jitter keeps
 * many replicas from retrying in step. A wait that would not fit in what is left of the request's
 * deadline is not begun: failing at once, with Retry-After passed on, serves the caller better than
 * sleeping into a timeout.
 */
export function retryDelayMs(policy: RetryPolicy, failure: GraphFailure, attempt: number, remainingMs: number): number | undefined {
  if (attempt >= policy.maxRetries || !isRetryable(failure)) return undefined;
  const delay =
    failure.retryAfterSeconds !== undefined
      ? failure.retryAfterSeconds * 1000
      : (policy.random ?? Math.random)() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  if (delay >= remainingMs) return undefined;
  return delay;
}

function isRetryable(failure: GraphFailure): boolean {
  switch (failure.kind) {
    case 'http':
      return RETRYABLE_STATUSES.has(failure.status ?? 0);
    case 'network':
    case 'timeout':
      return true;
    default:
      return false;
  }
}
