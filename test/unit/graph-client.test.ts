import pino from 'pino';
import { MockAgent } from 'undici';
import { GraphClient, type GraphAttemptRecord, type GraphCall } from '../../src/graph/graph-client';
import { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { GraphGuard } from '../../src/graph/transport/graph-guard';
import { parseSessionKey } from '../../src/graph/odata/ids';
import { Metrics } from '../../src/metrics';

const key = parseSessionKey({
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
});
const path =
  '/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/73eb2497-3b88-4c0a-8bb3-68ba8162beff' +
  '/accessPackageResources/99ab2454-3b88-4c0a-8bb3-68ba8162beff/uploadSessions/23f27c15-72f9-45fe-9e9c-e3d8f75bdc44';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const session = { id: key.uploadSessionId, status: 'complete', isUploadDone: true, stats: { filesUploaded: 1, totalBytesUploaded: 2000000 } };
const json = { headers: { 'content-type': 'application/json' } };

let agent: MockAgent;
let metrics: Metrics;
let client: GraphClient;

function call(overrides: Partial<GraphCall> = {}): GraphCall {
  return {
    authorization: async () => 'Bearer test-token',
    signal: new AbortController().signal,
    deadline: Date.now() + 5_000,
    log: pino({ level: 'silent' }),
    ...overrides,
  };
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  metrics = new Metrics({ defaultMetrics: false });
  const guard = new GraphGuard({ host: 'graph.test', maxConcurrency: 4, maxQueue: 4, breakerFailures: 100, breakerHalfOpenAfterMs: 1000, metrics });
  client = new GraphClient({
    baseUrl: new URL('https://graph.test/beta'),
    dispatcher: agent,
    guard,
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1000, random: () => 0.5 },
    attemptTimeoutMs: 1000,
    metrics,
  });
});

afterEach(async () => {
  await agent.close();
});

describe('GraphClient.completeSession', () => {
  it('PATCHes exactly {"isUploadDone": true} with JSON content type, the bearer and a fresh GUID client-request-id', async () => {
    const seen: Record<string, string>[] = [];
    agent
      .get('https://graph.test')
      .intercept({ path, method: 'PATCH', body: '{"isUploadDone":true}' })
      .reply(200, (options) => {
        seen.push(options.headers as Record<string, string>);
        return session;
      }, json)
      .times(2);

    await client.sessions.completeSession(key, call());
    await client.sessions.completeSession(key, call());

    expect(seen[0]).toMatchObject({ authorization: 'Bearer test-token', 'content-type': 'application/json' });
    expect(seen[0]!['client-request-id']).toMatch(GUID);
    expect(seen[1]!['client-request-id']).not.toBe(seen[0]!['client-request-id']);
    agent.assertNoPendingInterceptors();
  });

  it('throws the facts of a Graph error: status, code, request ids', async () => {
    agent
      .get('https://graph.test')
      .intercept({ path, method: 'PATCH' })
      .reply(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges', innerError: { 'request-id': 'inner-id' } } }, json);

    const error = await client.sessions.completeSession(key, call()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as GraphRequestError).failure).toMatchObject({
      kind: 'http',
      status: 403,
      graphCode: 'Authorization_RequestDenied',
      requestId: 'inner-id',
      clientRequestId: expect.stringMatching(GUID),
    });
  });

  it('retries a 503 honouring Retry-After, and sends Retry-Attempt', async () => {
    const attempts: string[] = [];
    const pool = agent.get('https://graph.test');
    pool.intercept({ path, method: 'PATCH' }).reply(503, '', { headers: { 'retry-after': '0.05' } });
    pool.intercept({ path, method: 'PATCH' }).reply(200, (options) => {
      attempts.push((options.headers as Record<string, string>)['retry-attempt']!);
      return session;
    }, json);

    const started = Date.now();
    const result = await client.sessions.completeSession(key, call());
    expect(result.isUploadDone).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(attempts).toEqual(['1']);
  });

  it('gives up after the retry budget with the last failure', async () => {
    agent.get('https://graph.test').intercept({ path, method: 'PATCH' }).reply(503, '').times(3);
    const error = (await client.sessions.completeSession(key, call()).catch((caught: unknown) => caught)) as GraphRequestError;
    expect(error.failure).toMatchObject({ kind: 'http', status: 503 });
    agent.assertNoPendingInterceptors();
  });

  it('answers a refused completion with the session when it is already done', async () => {
    const pool = agent.get('https://graph.test');
    pool.intercept({ path, method: 'PATCH' }).reply(409, { error: { code: 'uploadSessionAlreadyCompleted', message: '' } }, json);
    pool.intercept({ path: `${path}?$expand=files`, method: 'GET' }).reply(200, session, json);
    expect((await client.sessions.completeSession(key, call())).isUploadDone).toBe(true);
  });

  it('keeps the refusal when the session is not done (e.g. expired)', async () => {
    const pool = agent.get('https://graph.test');
    pool.intercept({ path, method: 'PATCH' }).reply(409, { error: { code: 'uploadSessionExpired', message: '' } }, json);
    pool.intercept({ path: `${path}?$expand=files`, method: 'GET' }).reply(200, { ...session, status: 'expired', isUploadDone: false }, json);
    const error = (await client.sessions.completeSession(key, call()).catch((caught: unknown) => caught)) as GraphRequestError;
    expect(error.failure).toMatchObject({ status: 409, graphCode: 'uploadSessionExpired' });
  });

  it('a 200 that is not JSON may have landed: the session is read, and one that is done is the success', async () => {
    const pool = agent.get('https://graph.test');
    pool.intercept({ path, method: 'PATCH' }).reply(200, '<html>proxy login</html>');
    pool.intercept({ path: `${path}?$expand=files`, method: 'GET' }).reply(200, session, json);
    expect((await client.sessions.completeSession(key, call())).isUploadDone).toBe(true);
    agent.assertNoPendingInterceptors();
  });

  it('reports a 200 without the session fields as unreadable when the session read finds it not done', async () => {
    const pool = agent.get('https://graph.test');
    pool.intercept({ path, method: 'PATCH' }).reply(200, { id: key.uploadSessionId }, json);
    pool.intercept({ path: `${path}?$expand=files`, method: 'GET' }).reply(200, { ...session, status: 'active', isUploadDone: false }, json);
    const error = (await client.sessions.completeSession(key, call()).catch((caught: unknown) => caught)) as GraphRequestError;
    expect(error.failure).toMatchObject({ kind: 'unreadable', mayHaveLanded: true });
  });

  it('a 404 is not looked into: there is no session to read', async () => {
    agent.get('https://graph.test').intercept({ path, method: 'PATCH' }).reply(404, { error: { code: 'ResourceNotFound' } }, json);
    const error = (await client.sessions.completeSession(key, call()).catch((caught: unknown) => caught)) as GraphRequestError;
    expect(error.failure).toMatchObject({ status: 404, subject: 'upload session', mayHaveLanded: false });
    agent.assertNoPendingInterceptors();
  });

  it('maps a connection failure that outlasts the retries to a network failure that may have landed, after the session read finds it not done', async () => {
    const pool = agent.get('https://graph.test');
    pool.intercept({ path, method: 'PATCH' }).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).times(3);
    pool.intercept({ path: `${path}?$expand=files`, method: 'GET' }).reply(200, { ...session, status: 'active', isUploadDone: false }, json);
    const error = (await client.sessions.completeSession(key, call()).catch((caught: unknown) => caught)) as GraphRequestError;
    expect(error.failure).toMatchObject({ kind: 'network', mayHaveLanded: true });
    agent.assertNoPendingInterceptors();
  });
});

describe('GraphClient.getSession', () => {
  it('asks for $expand=files only when told to', async () => {
    const pool = agent.get('https://graph.test');
    pool.intercept({ path: `${path}?$expand=files`, method: 'GET' }).reply(200, { ...session, files: [{ id: 'f', name: 'a.csv', size: 3 }] }, json);
    const files = await client.sessions.getFiles(key, call());
    expect(files).toEqual([{ id: 'f', name: 'a.csv', size: 3, uploadedDateTime: null }]);
  });
});

async function value(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const wanted = Object.entries(labels);
  return metric?.values.find((v) => wanted.every(([label, expected]) => String(v.labels[label]) === expected))?.value;
}

describe('GraphClient metrics', () => {
  it('counts a throttled attempt, its retry, both requests by status, and ends with nothing in flight; the call records each attempt', async () => {
    const pool = agent.get('https://graph.test');
    pool.intercept({ path, method: 'PATCH' }).reply(429, { error: { code: 'TooManyRequests' } }, { headers: { 'retry-after': '0', 'request-id': 'r-1' } });
    pool.intercept({ path, method: 'PATCH' }).reply(200, session, { headers: { 'content-type': 'application/json', 'request-id': 'r-2' } });

    const attempts: GraphAttemptRecord[] = [];
    await client.sessions.completeSession(key, call({ attempts }));

    expect(await value('gateway_graph_throttled_total')).toBe(1);
    expect(await value('gateway_graph_retries_total', { reason: '429' })).toBe(1);
    expect(await value('gateway_graph_requests_total', { method: 'PATCH', status: '429' })).toBe(1);
    expect(await value('gateway_graph_requests_total', { method: 'PATCH', status: '200' })).toBe(1);
    expect(await value('gateway_graph_requests_in_flight', { host: 'graph.test' })).toBe(0);
    expect(attempts).toEqual([
      expect.objectContaining({ method: 'PATCH', status: 429, requestId: 'r-1', attempt: 0 }),
      expect.objectContaining({ method: 'PATCH', status: 200, requestId: 'r-2', attempt: 1 }),
    ]);
  });
});
