import { GraphRequestError } from '../../src/graph/graph-failure';
import { ScopePauses } from '../../src/graph/scope-pauses';
import { Metrics } from '../../src/metrics';

const never = new AbortController().signal;
const later = () => ({ signal: never, deadline: Date.now() + 60_000 });
const soon = () => ({ signal: never, deadline: Date.now() + 1_000 });

function pauses() {
  const published: [string, number][] = [];
  const metrics = new Metrics({ defaultMetrics: false });
  // The authorization value is the scope itself here.
  const subject = new ScopePauses({ scopeOf: (authorization) => authorization, broadcast: { publish: (scope, ms) => void published.push([scope, ms]) }, metrics });
  return { subject, published, metrics };
}

const throttled = (status: number, retryAfterSeconds?: number) => () =>
  Promise.reject(new GraphRequestError({ kind: 'http', status, message: `Graph answered ${status}`, retryAfterSeconds }));

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ScopePauses', () => {
  it('after a 429 holds the scope: a call that cannot wait fails at once with the time left, unsent; other scopes go on', async () => {
    const { subject, published, metrics } = pauses();
    await expect(subject.run('tenant-a', later(), throttled(429, 30))).rejects.toMatchObject({ failure: { status: 429 } });
    expect(published).toEqual([['tenant-a', 30_000]]);

    let sent = false;
    const held = subject.run('tenant-a', soon(), async () => (sent = true));
    await expect(held).rejects.toMatchObject({ failure: { kind: 'paused', retryAfterSeconds: 30 } });
    expect(sent).toBe(false);
    expect(await subject.run('tenant-b', soon(), async () => 'other scope')).toBe('other scope');
    expect(await metrics.graphPauses.get()).toMatchObject({ values: [{ labels: { origin: 'graph' }, value: 1 }] });
  });

  it('pauses on 503 only with Retry-After, and on a 429 without one for a second', async () => {
    const { subject, published } = pauses();
    await expect(subject.run('a', later(), throttled(503))).rejects.toBeInstanceOf(GraphRequestError);
    await expect(subject.run('a', later(), throttled(504, 5))).rejects.toBeInstanceOf(GraphRequestError);
    expect(published).toEqual([]);
    await expect(subject.run('a', later(), throttled(503, 5))).rejects.toBeInstanceOf(GraphRequestError);
    await expect(subject.run('b', later(), throttled(429))).rejects.toBeInstanceOf(GraphRequestError);
    expect(published).toEqual([
      ['a', 5_000],
      ['b', 1_000],
    ]);
  });

  it('a pause heard from another replica holds calls too, and is not published again', async () => {
    const { subject, published, metrics } = pauses();
    subject.pause('a', 30_000, 'replica');
    await expect(subject.run('a', soon(), async () => 'sent')).rejects.toMatchObject({ failure: { kind: 'paused' } });
    expect(published).toEqual([]);
    expect(await metrics.graphPauses.get()).toMatchObject({ values: [{ labels: { origin: 'replica' }, value: 1 }] });
  });

  it('when the pause ends one call goes first; the others follow its answer', async () => {
    const { subject } = pauses();
    subject.pause('a', 20, 'graph');
    const firstAnswer = deferred<string>();
    let sent = 0;
    const send = () => (++sent === 1 ? firstAnswer.promise : Promise.resolve('after'));
    const calls = [1, 2, 3, 4].map(() => subject.run('a', later(), send));
    while (sent === 0) await tick(5);
    await tick(50);
    expect(sent).toBe(1);
    firstAnswer.resolve('first');
    expect((await Promise.all(calls)).sort()).toEqual(['after', 'after', 'after', 'first']);
  });

  it('when the first call meets another 429, the calls behind it that cannot wait that long fail at once', async () => {
    const { subject } = pauses();
    subject.pause('a', 20, 'graph');
    const firstAnswer = deferred<void>();
    let sent = 0;
    const send = () => (++sent === 1 ? firstAnswer.promise.then(throttled(429, 30)) : Promise.resolve());
    const first = subject.run('a', later(), send);
    const behind = subject.run('a', soon(), send);
    while (sent === 0) await tick(5);
    firstAnswer.resolve();
    const outcomes = await Promise.allSettled([first, behind]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as GraphRequestError).failure.kind : 'sent')).sort()).toEqual(['http', 'paused']);
    expect(sent).toBe(1);
  });

  it('a wait ends when the request does: its deadline or its caller leaving', async () => {
    const { subject } = pauses();
    subject.pause('a', 30_000, 'graph');
    const leaving = new AbortController();
    const waiting = subject.run('a', { signal: leaving.signal, deadline: Date.now() + 60_000 }, async () => 'sent');
    leaving.abort();
    await expect(waiting).rejects.toMatchObject({ failure: { kind: 'deadline' } });
  });
});
