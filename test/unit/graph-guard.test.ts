import { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { GraphGuard } from '../../src/graph/transport/graph-guard';
import { Metrics } from '../../src/metrics';

function guard(overrides: Partial<ConstructorParameters<typeof GraphGuard>[0]> = {}) {
  const metrics = new Metrics({ defaultMetrics: false });
  return new GraphGuard({ host: 'graph.test', maxConcurrency: 1, maxQueue: 10, breakerFailures: 2, breakerHalfOpenAfterMs: 1000, metrics, ...overrides });
}

const never = new AbortController().signal;
const hostDown = () => Promise.reject(new GraphRequestError({ kind: 'network', mayHaveLanded: false, message: 'refused' }));

describe('GraphGuard', () => {
  it('lets a queued call leave with "unavailable" when its signal aborts, and never runs it', async () => {
    const g = guard();
    let release!: () => void;
    const holder = g.run(never, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    let ran = false;
    const queued = g.run(AbortSignal.timeout(30), async () => {
      ran = true;
      return 'second';
    });
    const error = (await queued.catch((caught: unknown) => caught)) as GraphRequestError;
    expect(error.failure).toMatchObject({ kind: 'unavailable', mayHaveLanded: false, message: expect.stringContaining('deadline') });
    release();
    expect(await holder).toBe('first');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toBe(false);
  });

  it('opens after consecutive host failures, fails fast, then half-opens', async () => {
    const g = guard();
    for (let i = 0; i < 2; i++) await expect(g.run(never, hostDown)).rejects.toMatchObject({ failure: { kind: 'network' } });
    let called = false;
    await expect(g.run(never, async () => (called = true))).rejects.toMatchObject({ failure: { kind: 'unavailable' } });
    expect(called).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await g.run(never, async () => 'probe')).toBe('probe');
  });

  it('does not count 4xx answers as host failures', async () => {
    const g = guard();
    const throttled = () => Promise.reject(new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 429, message: '' }));
    for (let i = 0; i < 3; i++) await expect(g.run(never, throttled)).rejects.toMatchObject({ failure: { status: 429 } });
    expect(await g.run(never, async () => 'still closed')).toBe('still closed');
  });
});
