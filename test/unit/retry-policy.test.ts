import { retryAfterSeconds } from '../../src/graph/graph-client';
import { retryDelayMs, type RetryPolicy } from '../../src/graph/retry-policy';

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
  it.each([429, 503, 504])('retries %i', (status) => expect(retryDelayMs(policy, { kind: 'http', status, message: '' }, 0, 5_000)).toBe(100));

  it.each([400, 401, 403, 404, 409, 500, 502])('does not retry %i', (status) =>
    expect(retryDelayMs(policy, { kind: 'http', status, message: '' }, 0, 5_000)).toBeUndefined(),
  );

  it('retries connection failures and attempt timeouts, not unreadable answers', () => {
    expect(retryDelayMs(policy, { kind: 'network', message: '' }, 0, 5_000)).toBeDefined();
    expect(retryDelayMs(policy, { kind: 'timeout', message: '' }, 0, 5_000)).toBeDefined();
    expect(retryDelayMs(policy, { kind: 'unreadable', message: '' }, 0, 5_000)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped', () => {
    const delays = [0, 1, 2].map((attempt) => retryDelayMs(policy, { kind: 'network', message: '' }, attempt, 60_000));
    expect(delays).toEqual([100, 200, 400]);
    expect(retryDelayMs({ ...policy, random: () => 0.25 }, { kind: 'network', message: '' }, 2, 60_000)).toBe(100);
  });

  it('honours Retry-After instead of backoff', () => {
    expect(retryDelayMs(policy, { kind: 'http', status: 429, message: '', retryAfterSeconds: 2.128 }, 0, 5_000)).toBe(2128);
  });

  it('stops after maxRetries', () => {
    expect(retryDelayMs(policy, { kind: 'network', message: '' }, 3, 60_000)).toBeUndefined();
  });

  it('does not begin a wait that would outlast the deadline', () => {
    expect(retryDelayMs(policy, { kind: 'http', status: 429, message: '', retryAfterSeconds: 6 }, 0, 5_000)).toBeUndefined();
  });
});
