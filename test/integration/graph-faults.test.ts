import { request } from 'undici';
import { waitUntil } from './emulator-http';
import { postGraphQL, SEED, startTestGateway, type TestGateway, scriptFault } from '../support/gateway';

const COMPLETE = `mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id status isUploadDone } }`;
const READ = `query Read($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!) {
  uploadSession(catalogId: $catalogId, resourceId: $resourceId, uploadSessionId: $uploadSessionId) { id status } }`;
const FAST_BACKOFF = { GRAPH_RETRY_BASE_MS: '5', GRAPH_RETRY_MAX_MS: '20' };

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function start(env: Record<string, string> = {}): Promise<TestGateway> {
  t = await startTestGateway({ ...FAST_BACKOFF, ...env });
  return t;
}

const fault = scriptFault;

function gaps(gateway: TestGateway): number[] {
  const times = gateway.emulator.requests.map((r) => r.receivedAt);
  return times.slice(1).map((time, i) => time - times[i]!);
}

const complete = (gateway: TestGateway, input: object = SEED) => postGraphQL(gateway.url, COMPLETE, { input });

describe('retries', () => {
  it('honours a fractional Retry-After on 429, then succeeds', async () => {
    const g = await start();
    await fault(g, { method: 'PATCH', status: 429, retryAfter: '0.3', times: 2 });
    const { body } = await complete(g);
    expect(body.errors).toBeUndefined();
    expect(g.emulator.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    for (const gap of gaps(g)) expect(gap).toBeGreaterThanOrEqual(280);
    expect(g.emulator.store.get(SEED)?.isUploadDone).toBe(true);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const g = await start();
    await fault(g, { method: 'PATCH', status: 503, retryAfter: new Date(Date.now() + 3000).toUTCString(), times: 1 });
    expect((await complete(g)).body.errors).toBeUndefined();
    expect(g.emulator.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(gaps(g)[0]).toBeGreaterThanOrEqual(1500); // an HTTP date has whole seconds: the wait is 2–3 s
  });

  it('fails at once with THROTTLED when the wait Graph asks for does not fit in the deadline', async () => {
    // Waiting for either the hour Graph asks or the minute's deadline would outlast this test's timeout.
    const g = await start({ REQUEST_DEADLINE_MS: '60000' });
    await fault(g, { method: 'PATCH', status: 429, retryAfter: '3600' });
    const { body } = await complete(g);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 3600, graph: { status: 429, code: 'TooManyRequests' } });
    expect(g.emulator.requests).toHaveLength(1);
  });

  it('tells the caller when to come back even when Graph’s 429 has no Retry-After', async () => {
    const g = await start({ GRAPH_MAX_RETRIES: '1' });
    await fault(g, { method: 'PATCH', status: 429 });
    const { body } = await complete(g);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 1 });
  });

  it('answers THROTTLED after 1 + GRAPH_MAX_RETRIES attempts of endless 429', async () => {
    const g = await start({ GRAPH_MAX_RETRIES: '3' });
    await fault(g, { method: 'PATCH', status: 429, retryAfter: '0.01' });
    const { body } = await complete(g);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 0.01 });
    expect(g.emulator.requests).toHaveLength(4);
    expect(g.emulator.store.get(SEED)?.isUploadDone).toBe(false);
  });

  it('backs off on 503 without Retry-After and retries on a new connection', async () => {
    const g = await start({ GRAPH_RETRY_BASE_MS: '50', GRAPH_RETRY_MAX_MS: '50' });
    await postGraphQL(g.url, READ, SEED); // warms a keep-alive connection
    await fault(g, { method: 'GET', status: 503, times: 1 });
    expect((await postGraphQL(g.url, READ, SEED)).body.errors).toBeUndefined();
    const [warm, failed, retried] = g.emulator.requests;
    expect([warm!.status, failed!.status, retried!.status]).toEqual([200, 503, 200]);
    expect(failed!.connection).toBe(warm!.connection);
    expect(retried!.connection).not.toBe(failed!.connection);
  });

  it('answers UPSTREAM_TIMEOUT after endless 504s, and UPSTREAM_UNAVAILABLE after endless 503s', async () => {
    const g = await start({ GRAPH_MAX_RETRIES: '2' });
    await fault(g, { method: 'PATCH', status: 504 });
    expect((await complete(g)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(g.emulator.requests).toHaveLength(3);
    g.emulator.faults.clear();
    await fault(g, { method: 'GET', status: 503 });
    expect((await postGraphQL(g.url, READ, SEED)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('retries a connection reset before Graph did anything', async () => {
    const g = await start();
    await fault(g, { method: 'PATCH', reset: 'before', times: 1 });
    expect((await complete(g)).body.data?.completeUploadSession).toMatchObject({ isUploadDone: true });
    expect(g.emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 0', 'PATCH 200']);
  });

  it('does not retry a 500, and maps it to UPSTREAM_ERROR', async () => {
    const g = await start();
    await fault(g, { method: 'PATCH', status: 500 });
    expect((await complete(g)).body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', graph: { status: 500 } });
    expect(g.emulator.requests).toHaveLength(1);
  });

  it('maps a 200 that is not JSON to UPSTREAM_ERROR; the caller’s retry then succeeds', async () => {
    const g = await start();
    await fault(g, { method: 'PATCH', malformed: true, times: 1 });
    expect((await complete(g)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect((await complete(g)).body.data?.completeUploadSession).toMatchObject({ isUploadDone: true });
  });
});

describe('idempotent completion', () => {
  it('answers success after a lost answer, with exactly one state change', async () => {
    const g = await start();
    await fault(g, { method: 'PATCH', reset: 'after', times: 1 });
    const { body } = await complete(g);
    expect(body.errors).toBeUndefined();
    expect(body.data?.completeUploadSession).toMatchObject({ status: 'COMPLETE', isUploadDone: true });
    // the first PATCH did the work and lost its answer; the retry was refused; the read found it done
    expect(g.emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 0', 'PATCH 409', 'GET 200']);
  });

  it('keeps CONFLICT for an expired session', async () => {
    const g = await start();
    const expired = g.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId, status: 'expired' });
    expect((await complete(g, expired.key)).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('deadlines', () => {
  it('retries an attempt that times out', async () => {
    const g = await start({ GRAPH_ATTEMPT_TIMEOUT_MS: '300' });
    await fault(g, { method: 'GET', delayMs: 1500, times: 1 });
    expect((await postGraphQL(g.url, READ, SEED)).body.errors).toBeUndefined();
    expect(g.emulator.requests.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('answers UPSTREAM_TIMEOUT when the request deadline passes while waiting on Graph', async () => {
    const g = await start({ REQUEST_DEADLINE_MS: '800', GRAPH_ATTEMPT_TIMEOUT_MS: '5000' });
    await fault(g, { method: 'GET', delayMs: 4000 });
    const { body } = await postGraphQL(g.url, READ, SEED);
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    // The gateway hung up before Graph answered (a wait for the answer would have read it: 200 within the attempt timeout).
    await waitUntil(() => g.emulator.requests.length === 1);
    expect(g.emulator.requests.map((r) => r.status)).toEqual([0]);
  });

  it('stops waiting and retrying when the caller goes away', async () => {
    const g = await start();
    await fault(g, { method: 'GET', status: 429, retryAfter: '1' });
    const controller = new AbortController();
    const call = request(g.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: READ, variables: SEED }),
      signal: controller.signal,
    }).catch(() => undefined);
    await waitUntil(() => g.emulator.requests.length === 1);
    controller.abort();
    await call;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(g.emulator.requests).toHaveLength(1);
  });
});

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
