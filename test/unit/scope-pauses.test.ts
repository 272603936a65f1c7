import { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { ScopePauses } from '../../src/graph/transport/scope-pauses';
import { Metrics } from '../../src/metrics';

// Jest's fake clock drives both Date.now and the timers here: no test waits in real time, and none depends
// on which of two timers Node fires first. "At once" means with the clock standing still.
beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
afterEach(() => jest.useRealTimers());

const never = new AbortController().signal;
const by = (deadline: number) => ({ signal: never, deadline });
const later = () => by(Date.now() + 60_000);
const soon = () => by(Date.now() + 1_000);

function pauses() {
  const published: [string, number][] = [];
  const metrics = new Metrics({ defaultMetrics: false });
  // The authorization value is the scope itself here.
  const subject = new ScopePauses({ scopeOf: (authorization) => authorization, broadcast: { publish: (scope, ms) => void published.push([scope, ms]) }, metrics });
  return { subject, published, metrics };
}

const throttled = (status: number, retryAfterSeconds?: number) => () =>
  Promise.reject(new GraphRequestError({ kind: 'http', mayHaveLanded: false, status, message: `Graph answered ${status}`, retryAfterSeconds }));

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Moves the fake clock on, running every timer due and every promise they settle. */
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
/** Settles whatever can settle without the clock moving. */
const flush = () => advance(0);

/** A call's outcome so far, readable without awaiting it: 'waiting', 'sent' (its value) or its failure's kind. */
function watch(call: Promise<unknown>) {
  const seen: { outcome: string; error?: GraphRequestError } = { outcome: 'waiting' };
  call.then(
    (value) => (seen.outcome = `sent ${String(value)}`),
    (error: GraphRequestError) => Object.assign(seen, { outcome: error.failure.kind, error }),
  );
  return seen;
}

describe('ScopePauses', () => {
  it('after a 429 holds the scope: a call that cannot wait fails at once with the time left, unsent; other scopes go on', async () => {
    const { subject, published, metrics } = pauses();
    await expect(subject.run('tenant-a', later(), throttled(429, 30))).rejects.toMatchObject({ failure: { status: 429 } });
    expect(published).toEqual([['tenant-a', 30_000]]);

    let sent = false;
    const held = subject.run('tenant-a', soon(), async () => (sent = true));
    await expect(held).rejects.toMatchObject({ failure: { kind: 'paused', mayHaveLanded: false, retryAfterSeconds: 30 } });
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
    await advance(19);
    expect(sent).toBe(0);
    await advance(1);
    expect(sent).toBe(1);
    await advance(4_000); // the others wait for the first call's answer, not for the clock
    expect(sent).toBe(1);
    firstAnswer.resolve('first');
    expect((await Promise.all(calls)).sort()).toEqual(['after', 'after', 'after', 'first']);
  });

  it('when the first call meets another 429, the calls behind it that cannot wait that long fail at once', async () => {
    const { subject } = pauses();
    subject.pause('a', 20, 'graph');
    const firstAnswer = deferred<void>();
    let sent = 0;
    const send = () => (++sent === 1 ? firstAnswer.promise.then(throttled(429, 30)) : Promise.resolve('later'));
    // Both wait out the 20 ms and neither could wait out 30 s: whichever of them goes first meets the 429,
    // and the other must then fail at once.
    const early = [watch(subject.run('a', soon(), send)), watch(subject.run('a', soon(), send))];
    await advance(20);
    expect(sent).toBe(1);
    // One that arrives behind the first call and can wait 30 s does.
    const patient = watch(subject.run('a', later(), send));
    firstAnswer.resolve();
    await flush();
    expect(early.map((call) => call.outcome).sort()).toEqual(['http', 'paused']);
    expect(early.find((call) => call.outcome === 'paused')!.error!.failure.retryAfterSeconds).toBe(30);
    expect(patient.outcome).toBe('waiting');
    expect(sent).toBe(1);
    await advance(30_000);
    expect(patient.outcome).toBe('sent later');
    expect(sent).toBe(2);
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

describe('ScopePauses: a wait begins only if at least 250 ms of the deadline would be left after the pause', () => {
  it.each([
    [100, 'paused'],
    [249, 'paused'],
    [250, 'sent 1'],
    [400, 'sent 1'],
  ])('a request arriving in a 2 s pause with %i ms of deadline past its end: %s', async (pastEnd, outcome) => {
    const { subject } = pauses();
    subject.pause('a', 2_000, 'replica');
    let sent = 0;
    const call = watch(subject.run('a', by(Date.now() + 2_000 + pastEnd), async () => ++sent));
    await flush();
    if (outcome === 'paused') {
      expect(call.outcome).toBe('paused');
      expect(call.error!.failure.retryAfterSeconds).toBe(2);
    } else {
      expect(call.outcome).toBe('waiting');
      await advance(2_000);
      expect(call.outcome).toBe(outcome);
    }
    await advance(2_000);
    expect(sent).toBe(outcome === 'paused' ? 0 : 1);
  });

  it('is decided again when another 429 extends the pause a call waits in', async () => {
    const { subject } = pauses();
    subject.pause('a', 1_000, 'graph');
    const extendedEnd = Date.now() + 3_000;
    let sent = 0;
    const send = async () => ++sent;
    const tight = watch(subject.run('a', by(extendedEnd + 100), send));
    const roomy = watch(subject.run('a', by(extendedEnd + 400), send));
    await flush();
    expect([tight.outcome, roomy.outcome]).toEqual(['waiting', 'waiting']);
    subject.pause('a', 3_000, 'replica');
    await flush();
    expect(tight.outcome).toBe('paused');
    expect(roomy.outcome).toBe('waiting');
    await advance(3_000);
    expect(roomy.outcome).toBe('sent 1');
    expect(sent).toBe(1);
  });

  it('is decided again when the first call after a pause meets another 429', async () => {
    const { subject } = pauses();
    subject.pause('a', 20, 'graph');
    const firstAnswer = deferred<void>();
    let sent = 0;
    const send = () => (++sent === 1 ? firstAnswer.promise.then(throttled(429, 30)) : Promise.resolve('later'));
    const first = watch(subject.run('a', later(), send));
    await advance(20);
    expect(sent).toBe(1);
    // The 429 will land with the clock where it stands: the new pause ends 30 s from now.
    const newEnd = Date.now() + 30_000;
    const tight = watch(subject.run('a', by(newEnd + 100), send));
    const roomy = watch(subject.run('a', by(newEnd + 400), send));
    firstAnswer.resolve();
    await flush();
    expect([first.outcome, tight.outcome, roomy.outcome]).toEqual(['http', 'paused', 'waiting']);
    expect(sent).toBe(1);
    await advance(30_000);
    expect(roomy.outcome).toBe('sent later');
    expect(sent).toBe(2);
  });
});
