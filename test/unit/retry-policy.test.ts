import { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { backoffMs, retryAfterSeconds, retryDelayMs, retryIdempotent, retryRefusedOnly, sleep, withRetryAdvice, type RetryPolicy } from '../../src/graph/transport/retry-policy';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 1 };

describe('retryAfterSeconds', () => {
  it.each([
    ['5', 5],
    ['2.128', 2.128],
    ['0', 0],
    [' 3 ', 3],
  ])('reads %p as %p seconds', (value, seconds) => expect(retryAfterSeconds(value)).toBe(seconds));

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(retryAfterSeconds('Sat, 28 Nov 2026 12:00:07 GMT', now)).toBe(7);
    expect(retryAfterSeconds('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it.each([undefined, '', 'soon', '-1'])('ignores %p', (value) => expect(retryAfterSeconds(value)).toBeUndefined());
});

describe('retryDelayMs', () => {
  it.each([429, 503, 504])('retries %i', (status) => expect(retryDelayMs(policy, { kind: 'http', mayHaveLanded: false, status, message: '' }, 0, 5_000)).toBe(100));

  it.each([400, 401, 403, 404, 409, 500, 502])('does not retry %i', (status) =>
    expect(retryDelayMs(policy, { kind: 'http', mayHaveLanded: false, status, message: '' }, 0, 5_000)).toBeUndefined(),
  );

  it('retries connection failures and attempt timeouts, not unreadable answers', () => {
    expect(retryDelayMs(policy, { kind: 'network', mayHaveLanded: false, message: '' }, 0, 5_000)).toBeDefined();
    expect(retryDelayMs(policy, { kind: 'timeout', mayHaveLanded: false, message: '' }, 0, 5_000)).toBeDefined();
    expect(retryDelayMs(policy, { kind: 'unreadable', mayHaveLanded: false, message: '' }, 0, 5_000)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped', () => {
    const delays = [0, 1, 2].map((attempt) => retryDelayMs(policy, { kind: 'network', mayHaveLanded: false, message: '' }, attempt, 60_000));
    expect(delays).toEqual([100, 200, 400]);
    expect(retryDelayMs({ ...policy, random: () => 0.25 }, { kind: 'network', mayHaveLanded: false, message: '' }, 2, 60_000)).toBe(100);
  });

  it('honours Retry-After instead of backoff', () => {
    expect(retryDelayMs(policy, { kind: 'http', mayHaveLanded: false, status: 429, message: '', retryAfterSeconds: 2.128 }, 0, 5_000)).toBe(2128);
  });

  it('stops after maxRetries', () => {
    expect(retryDelayMs(policy, { kind: 'network', mayHaveLanded: false, message: '' }, 3, 60_000)).toBeUndefined();
  });

  it('does not begin a wait that would outlast the deadline', () => {
    expect(retryDelayMs(policy, { kind: 'http', mayHaveLanded: false, status: 429, message: '', retryAfterSeconds: 6 }, 0, 5_000)).toBeUndefined();
  });
});

describe('retry rules', () => {
  const http = (status: number) => ({ kind: 'http' as const, mayHaveLanded: false, status, message: '' });

  it('retries idempotent calls on 429/503/504, lost connections and timeouts only', () => {
    expect([429, 503, 504, 500, 502, 409].map((status) => retryIdempotent(http(status)))).toEqual([true, true, true, false, false, false]);
    expect(retryIdempotent({ kind: 'network', mayHaveLanded: false, message: '' })).toBe(true);
    expect(retryIdempotent({ kind: 'timeout', mayHaveLanded: false, message: '' })).toBe(true);
    expect(retryIdempotent({ kind: 'deadline', mayHaveLanded: false, message: '' })).toBe(false);
    expect(retryIdempotent({ kind: 'unavailable', mayHaveLanded: false, message: '' })).toBe(false);
  });

  it('retries a create only on an answer saying nothing was done (429, 503), never on a lost connection or a 504', () => {
    expect([429, 503, 504, 500].map((status) => retryRefusedOnly(http(status)))).toEqual([true, true, false, false]);
    expect(retryRefusedOnly({ kind: 'network', mayHaveLanded: false, message: '' })).toBe(false);
    expect(retryRefusedOnly({ kind: 'timeout', mayHaveLanded: false, message: '' })).toBe(false);
  });

  it('lets retryDelayMs use the rule it is given', () => {
    expect(retryDelayMs(policy, { kind: 'network', mayHaveLanded: false, message: '' }, 0, 5_000, retryRefusedOnly)).toBeUndefined();
    expect(retryDelayMs(policy, http(503), 0, 5_000, retryRefusedOnly)).toBe(100);
  });
});

describe('backoffMs and withRetryAdvice share one formula', () => {
  it('advises the ceiling of the next backoff, at least a second, for a 429 without Retry-After', () => {
    const slow = { ...policy, baseDelayMs: 1_000 };
    const advised = withRetryAdvice(new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 429, message: '' }), slow, 1);
    expect(advised.failure.retryAfterSeconds).toBe(4);
    expect(backoffMs(slow, 2)).toBe(4_000);
    expect(withRetryAdvice(new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 429, message: '' }), policy, 0).failure.retryAfterSeconds).toBe(1);
  });

  it('keeps Graph’s Retry-After and leaves other failures alone', () => {
    const throttled = new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 429, message: '', retryAfterSeconds: 7 });
    expect(withRetryAdvice(throttled, policy, 0)).toBe(throttled);
    const unavailable = new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 503, message: '' });
    expect(withRetryAdvice(unavailable, policy, 0)).toBe(unavailable);
  });
});

describe('sleep', () => {
  it('waits, and ends with a deadline failure as soon as the signal aborts', async () => {
    await expect(sleep(1, new AbortController().signal)).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ failure: { kind: 'deadline' } });
    await expect(sleep(1, AbortSignal.abort())).rejects.toBeInstanceOf(GraphRequestError);
  });
});
