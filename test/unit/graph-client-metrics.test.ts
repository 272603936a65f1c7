import pino from 'pino';
import { MockAgent } from 'undici';
import { GraphClient, type GraphAttemptRecord } from '../../src/graph/graph-client';
import { GraphGuard } from '../../src/graph/graph-guard';
import { Metrics } from '../../src/metrics';

const key = {
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
};
const path =
  '/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/73eb2497-3b88-4c0a-8bb3-68ba8162beff' +
  '/accessPackageResources/99ab2454-3b88-4c0a-8bb3-68ba8162beff/uploadSessions/23f27c15-72f9-45fe-9e9c-e3d8f75bdc44';
const session = { id: key.uploadSessionId, status: 'complete', isUploadDone: true, stats: { filesUploaded: 1, totalBytesUploaded: 2000000 } };

let agent: MockAgent;
let metrics: Metrics;
let client: GraphClient;

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

async function value(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const wanted = Object.entries(labels);
  return metric?.values.find((v) => wanted.every(([label, expected]) => String(v.labels[label]) === expected))?.value;
}

it('counts a throttled attempt, its retry, both requests by status, and ends with nothing in flight; the call records each attempt', async () => {
  const pool = agent.get('https://graph.test');
  pool.intercept({ path, method: 'PATCH' }).reply(429, { error: { code: 'TooManyRequests' } }, { headers: { 'retry-after': '0', 'request-id': 'r-1' } });
  pool.intercept({ path, method: 'PATCH' }).reply(200, session, { headers: { 'content-type': 'application/json', 'request-id': 'r-2' } });

  const attempts: GraphAttemptRecord[] = [];
  await client.completeSession(key, {
    authorization: async () => 'Bearer t',
    signal: new AbortController().signal,
    deadline: Date.now() + 5_000,
    log: pino({ level: 'silent' }),
    attempts,
  });

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
