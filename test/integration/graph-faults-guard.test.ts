import { request } from 'undici';
import { waitUntil } from './emulator-http';
import { postGraphQL, SEED, type TestGateway, scriptFault as fault } from '../support/gateway';
import { complete, gatewayPerTest, READ } from '../support/faulty-gateway';

/** Graph's faults across calls: the circuit breaker, the bulkhead, and 1,000 completions under injected faults. */
const start = gatewayPerTest();

describe('circuit breaker', () => {
  it('opens after a run of failures, fails fast while open, and closes after a good probe', async () => {
    const g = await start({ GRAPH_MAX_RETRIES: '0', GRAPH_BREAKER_FAILURES: '3', GRAPH_BREAKER_HALF_OPEN_MS: '3000' });
    await fault(g, { method: 'GET', status: 503 });
    for (let i = 0; i < 3; i++) expect((await postGraphQL(g.url, READ, SEED)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await circuitState(g)).toBe(1);

    const { body } = await postGraphQL(g.url, READ, SEED);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', graph: { status: null } });
    expect(g.emulator.requests).toHaveLength(3); // the open circuit did not call Graph

    g.emulator.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect((await postGraphQL(g.url, READ, SEED)).body.errors).toBeUndefined();
    expect(await circuitState(g)).toBe(0);
  });

  it('is not opened by callers who hang up while Graph is slow', async () => {
    const g = await start({ GRAPH_BREAKER_FAILURES: '2' });
    await fault(g, { method: 'GET', delayMs: 3000 });
    // The callers hang up once Graph holds all three calls, however long the gateway took to send them (a
    // caller's timer could fire before its call left, and then nothing would reach Graph).
    const callers = new AbortController();
    const calls = [0, 1, 2].map(() =>
      request(g.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: READ, variables: SEED }),
        signal: callers.signal,
      }).catch(() => undefined),
    );
    await waitUntil(() => g.emulator.faults.list()[0]!.hits === 3);
    callers.abort();
    await Promise.all(calls);
    g.emulator.faults.clear();
    await waitUntil(() => g.emulator.requests.length === 3); // the abandoned attempts are dropped
    expect((await postGraphQL(g.url, READ, SEED)).body.errors).toBeUndefined();
    expect(await circuitState(g)).toBe(0);
  });

  it('is not opened by answers from a working Graph (404, 429)', async () => {
    const g = await start({ GRAPH_MAX_RETRIES: '0', GRAPH_BREAKER_FAILURES: '2' });
    await fault(g, { method: 'GET', status: 429, retryAfter: '0', times: 3 });
    for (let i = 0; i < 3; i++) await postGraphQL(g.url, READ, SEED);
    expect(await circuitState(g)).toBe(0);
    await fault(g, { method: 'GET', status: 404, times: 3 });
    for (let i = 0; i < 3; i++) expect((await postGraphQL(g.url, READ, SEED)).body).toEqual({ data: { uploadSession: null } }); // a 404 read is null
    expect(await circuitState(g)).toBe(0);
  });
});

describe('bulkhead', () => {
  it('keeps at most GRAPH_MAX_CONCURRENCY attempts in flight; the rest queue and succeed', async () => {
    const g = await start({ GRAPH_MAX_CONCURRENCY: '2' });
    await fault(g, { method: 'GET', delayMs: 200 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => postGraphQL(g.url, READ, SEED)));
    expect(answers.every((a) => a.body.errors === undefined)).toBe(true);
    expect(maxOverlap(g)).toBe(2);
  });

  it('refuses at once with UPSTREAM_UNAVAILABLE when the queue is full', async () => {
    const g = await start({ GRAPH_MAX_CONCURRENCY: '1', GRAPH_MAX_QUEUE: '0' });
    await fault(g, { method: 'GET', delayMs: 3000 });
    // The second request leaves once Graph holds the first, so the only slot is taken whichever the machine's
    // speed (two sent together need not overlap on a loaded machine); Graph's 3 s leave it ample time to be refused.
    const first = postGraphQL(g.url, READ, SEED);
    await waitUntil(() => g.emulator.faults.list()[0]!.hits === 1);
    expect((await postGraphQL(g.url, READ, SEED)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await first).body.errors).toBeUndefined();
    expect(g.emulator.requests).toHaveLength(1);
  });
});

describe('load: 1,000 completions at 32-way concurrency with 25% injected 503/429', () => {
  it('completes every session exactly once and leaves nothing hanging', async () => {
    // A 25% fault rate is not an outage: a breaker threshold of 20 consecutive failures stays closed here.
    const g = await start({ GRAPH_MAX_RETRIES: '10', GRAPH_RETRY_BASE_MS: '2', GRAPH_RETRY_MAX_MS: '10', GRAPH_BREAKER_FAILURES: '20', LOG_LEVEL: 'warn' });
    const sessions = Array.from({ length: 1000 }, () => g.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId }).key);
    await fault(g, { method: 'PATCH', status: 503, probability: 0.125 });
    await fault(g, { method: 'PATCH', status: 429, retryAfter: '0.005', probability: 0.143 }); // 1/8 of what the first lets through

    const failures: unknown[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < sessions.length) {
          const input = sessions[next++]!;
          const { body } = await complete(g, input);
          if (body.errors || !(body.data?.completeUploadSession as { isUploadDone?: boolean })?.isUploadDone) failures.push(body);
        }
      }),
    );

    expect(failures).toEqual([]);
    const faulted = g.emulator.requests.filter((r) => r.status === 503 || r.status === 429).length;
    expect(faulted).toBeGreaterThan(100); // the faults really were injected
    const changes = new Map<string, number>();
    for (const r of g.emulator.requests) if (r.method === 'PATCH' && r.status === 200) changes.set(r.path, (changes.get(r.path) ?? 0) + 1);
    expect(changes.size).toBe(1000);
    expect([...changes.values()].every((count) => count === 1)).toBe(true);
    expect(sessions.every((key) => g.emulator.store.get(key)?.isUploadDone)).toBe(true);
    expect(await inFlight(g)).toBe(0);
  }, 120_000);
});

async function metric(g: TestGateway, name: string): Promise<number> {
  const text = await (await request(new URL('/metrics', g.url))).body.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return Number(line?.split(' ').at(-1));
}

const circuitState = (g: TestGateway) => metric(g, 'gateway_graph_circuit_state');
const inFlight = (g: TestGateway) => metric(g, 'gateway_graph_requests_in_flight');

function maxOverlap(g: TestGateway): number {
  const edges = g.emulator.requests.flatMap((r) => [
    { at: r.receivedAt, delta: 1 },
    { at: r.at, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const edge of edges) max = Math.max(max, (current += edge.delta));
  return max;
}
