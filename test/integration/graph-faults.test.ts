import { request } from 'undici';
import { waitUntil } from './emulator-http';
import { postGraphQL, SEED, type TestGateway, scriptFault as fault } from '../support/gateway';
import { complete, gatewayPerTest, READ } from '../support/faulty-gateway';

/** Graph's faults on one call: retries, the lost answer of a completion, deadlines (the breaker and bulkhead: graph-faults-guard.test.ts). */
const start = gatewayPerTest();

function gaps(gateway: TestGateway): number[] {
  const times = gateway.emulator.requests.map((r) => r.receivedAt);
  return times.slice(1).map((time, i) => time - times[i]!);
}

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
    // A 504 may have landed: after the last one, the session is read (not done) before the failure is answered.
    expect(g.emulator.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PATCH', 'GET']);
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

  it('does not retry a 500, and maps it to UPSTREAM_ERROR once a read finds the session not done', async () => {
    const g = await start();
    await fault(g, { method: 'PATCH', status: 500 });
    expect((await complete(g)).body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', graph: { status: 500 } });
    expect(g.emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 500', 'GET 200']);
  });

  it('a 200 that is not JSON landed: the session read finds it done, and that is the answer; a GET’s is UPSTREAM_ERROR', async () => {
    const g = await start();
    await fault(g, { method: 'PATCH', malformed: true, times: 1 });
    expect((await complete(g)).body.data?.completeUploadSession).toMatchObject({ isUploadDone: true });
    expect(g.emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200', 'GET 200']);
    await fault(g, { method: 'GET', malformed: true, times: 1 });
    expect((await postGraphQL(g.url, READ, SEED)).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
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
