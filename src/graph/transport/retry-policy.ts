import { setTimeout as wait } from 'node:timers/promises';
import { deadlinePassed, GraphRequestError, type GraphFailure } from './graph-failure';

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

/** Which failures a request may be sent again after. Each operation picks one (its client says why). */
export type RetryRule = (failure: GraphFailure) => boolean;

/** The statuses Graph asks clients to retry after waiting (throttling.md, best-practices-concept.md). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * GET, PATCH (complete) and DELETE: sending them twice has the effect of sending them once, so every
 * failure Graph asks us to retry, and every lost connection or timed-out attempt, is retried.
 */
export const retryIdempotent: RetryRule = (failure) => {
  switch (failure.kind) {
    case 'http':
      return RETRYABLE_STATUSES.has(failure.status ?? 0);
    case 'network':
    case 'timeout':
      return true;
    default:
      return false;
  }
};

/**
 * A POST that creates something: only an answer saying Graph did not act on it (429 throttled, 503
 * unavailable) allows sending it again. A lost connection, a timeout or a 504 may hide a session that
 * was created; those are resolved by a lookup (verified-write.ts, session-client.ts), never by a blind second POST.
 */
export const retryRefusedOnly: RetryRule = (failure) => failure.kind === 'http' && (failure.status === 429 || failure.status === 503);

/** The one backoff: full jitter over an exponentially growing ceiling, capped. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return (policy.random ?? Math.random)() * ceilingMs(policy, attempt);
}

function ceilingMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

/**
 * How long to wait before retrying `failure`, or undefined when it must not be retried.
 *
 * Graph asks clients to retry after Retry-After, else with exponential backoff. Full jitter keeps
 * many replicas from retrying in step. A wait that would not fit in what is left of the request's
 * deadline is not begun: failing at once, with Retry-After passed on, serves the caller better than
 * sleeping into a timeout.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  failure: GraphFailure,
  attempt: number,
  remainingMs: number,
  retryable: RetryRule = retryIdempotent,
): number | undefined {
  if (attempt >= policy.maxRetries || !retryable(failure)) return undefined;
  const delay = failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : backoffMs(policy, attempt);
  if (delay >= remainingMs) return undefined;
  return delay;
}

/**
 * A 429 always tells the caller when to come back: Graph's Retry-After when it sent one, else the
 * ceiling of the backoff the gateway itself would have waited next (at least a second).
 */
export function withRetryAdvice(error: GraphRequestError, policy: RetryPolicy, attempt: number): GraphRequestError {
  const { failure } = error;
  if (failure.status !== 429 || failure.retryAfterSeconds !== undefined) return error;
  const nextCeilingMs = ceilingMs(policy, attempt + 1);
  return new GraphRequestError({ ...failure, retryAfterSeconds: Math.max(1, Math.ceil(nextCeilingMs / 1000)) });
}

/** Waits `ms`, or rejects with a deadline failure as soon as the request's signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await wait(ms, undefined, { signal });
  } catch {
    throw deadlinePassed();
  }
}

/** Retry-After in seconds, fractional seconds (`2.128`) or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : NaN; // HTTP dates name a day or month
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
