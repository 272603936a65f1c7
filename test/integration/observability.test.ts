import type { IncomingMessage } from 'node:http';
import { request } from 'undici';
import { UploadSessionClient } from '../../src/graph/upload-sessions/session-client';
import { COMPLETE_SEED, postGraphQL, scriptFault, SEED, startTestGateway, type TestGateway } from '../support/gateway';
import { csvRows, postMultipart, rowsThenLeave, uploadParts } from '../support/upload-request';
import { waitUntil } from './emulator-http';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

function logLines(t: TestGateway): Record<string, unknown>[] {
  return t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('logs and metrics', () => {
  let t: TestGateway;
  beforeEach(async () => {
    t = await startTestGateway({ LOG_LEVEL: 'info' });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('writes one info line per operation with its outcome, duration and every Graph attempt, under the correlation id it answers with', async () => {
    const answer = await postGraphQL(t.url, `mutation Complete ${COMPLETE_SEED.slice('mutation '.length)}`, undefined, { 'x-request-id': 'frontend-7' });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.headers['x-request-id']).toBe('frontend-7');

    const lines = logLines(t).filter((line) => line.requestId === 'frontend-7');
    expect(lines).toHaveLength(1); // per-attempt lines are debug only
    const graphRequestIds = t.emulator.requests.map((r) => r.path); // the emulator saw the PATCH and the $expand read
    expect(graphRequestIds).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'GraphQL operation',
      operation: 'Complete',
      code: 'OK',
      retries: 0,
      graph: [
        expect.objectContaining({ method: 'PATCH', status: 200, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), attempt: 0 }),
        expect.objectContaining({ method: 'GET', status: 200, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), attempt: 0 }),
      ],
    });
    expect(typeof lines[0]!.durationMs).toBe('number');
  });

  it('logs a gateway bug once per request under its correlation id, on the first and on repeated operations', async () => {
    const bug = jest.spyOn(UploadSessionClient.prototype, 'completeSession').mockRejectedValue(new TypeError('a bug in the gateway'));
    try {
      const query = 'mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id } }';
      const first = await postGraphQL(t.url, query, { input: SEED }, { 'x-request-id': 'bug-1' });
      const second = await postGraphQL(t.url, query, { input: SEED }, { 'x-request-id': 'bug-2' });
      for (const answer of [first, second]) {
        expect(answer.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        expect(JSON.stringify(answer.body)).not.toContain('a bug in the gateway');
      }
      const internal = logLines(t).filter((line) => line.msg === 'internal error');
      expect(internal.map((line) => [line.requestId, line.level])).toEqual([
        ['bug-1', 'error'],
        ['bug-2', 'error'],
      ]);
    } finally {
      bug.mockRestore();
    }
  });

  it('takes the correlation id from a W3C traceparent when no x-request-id comes', async () => {
    const answer = await postGraphQL(t.url, COMPLETE_SEED, undefined, { traceparent: TRACEPARENT });
    expect(answer.headers['x-request-id']).toBe(TRACE_ID);
    expect(logLines(t).find((line) => line.msg === 'GraphQL operation')).toMatchObject({ requestId: TRACE_ID, code: 'OK' });
  });

  it('logs the outcome code of a failed operation and counts it by name and code', async () => {
    const missing = { ...SEED, uploadSessionId: '00000000-0000-4000-8000-000000000000' };
    const answer = await postGraphQL(
      t.url,
      'mutation Missing($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id } }',
      { input: missing },
    );
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(logLines(t).find((line) => line.msg === 'GraphQL operation')).toMatchObject({ operation: 'Missing', code: 'NOT_FOUND' });

    const metrics = await (await request(new URL('/metrics', t.url))).body.text();
    // The log line names any operation; a metric label only those of the persisted documents (bounded series).
    expect(metrics).toContain('gateway_graphql_operations_total{operation="other",code="NOT_FOUND"} 1');
    expect(metrics).toMatch(/gateway_graph_requests_total\{method="PATCH",status="404"\} 1/);
    expect(metrics).toMatch(/gateway_graphql_operation_duration_seconds_count\{operation="other"\} 1/);
    expect(metrics).toMatch(/gateway_graph_requests_in_flight\{host="127.0.0.1:\d+"\} 0/);
    expect(metrics).toMatch(/gateway_graph_circuit_state\{host="127.0.0.1:\d+"\} 0/);
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('counts an upload the gateway refused mid-stream as aborted_by_gateway, and a dropped Graph connection still as error', async () => {
    const session = t.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId }).key;
    const refused = await postMultipart(t.url, uploadParts(session, csvRows(5_000, { bad: 4_000 })));
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const graphPosts = async () => (await (await request(new URL('/metrics', t.url))).body.text()).split('\n').filter((line) => line.startsWith('gateway_graph_requests_total{method="POST"'));
    expect(await graphPosts()).toEqual(['gateway_graph_requests_total{method="POST",status="aborted_by_gateway"} 1']);
    expect(logLines(t).find((line) => line.msg === 'GraphQL operation')).toMatchObject({ code: 'BAD_USER_INPUT', graph: expect.arrayContaining([expect.objectContaining({ method: 'POST', status: 'aborted_by_gateway' })]) });

    await scriptFault(t, { method: 'POST', path: '/uploadFile', reset: 'before', times: 1 });
    const dropped = await postMultipart(t.url, uploadParts(session, csvRows(10)));
    expect(dropped.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await graphPosts()).toEqual(['gateway_graph_requests_total{method="POST",status="aborted_by_gateway"} 1', 'gateway_graph_requests_total{method="POST",status="error"} 1']);
  });

  it('logs and counts a caller that leaves mid-upload as CLIENT_CLOSED_REQUEST at info, not as a gateway bug', async () => {
    const session = t.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId }).key;
    let graphStarted = false;
    t.emulator.server.on('request', (req: IncomingMessage) => (graphStarted ||= req.url?.endsWith('/uploadFile') ?? false));
    const caller = new AbortController();
    await expect(postMultipart(t.url, uploadParts(session, rowsThenLeave(() => graphStarted, caller)), { signal: caller.signal })).rejects.toThrow();
    await waitUntil(() => logLines(t).some((line) => line.msg === 'GraphQL operation'));

    expect(logLines(t).find((line) => line.msg === 'GraphQL operation')).toMatchObject({
      level: 'info',
      code: 'CLIENT_CLOSED_REQUEST',
      status: 499,
      graph: expect.arrayContaining([expect.objectContaining({ method: 'POST', status: 'aborted_by_gateway' })]),
    });
    expect(logLines(t).filter((line) => line.level === 'error' || line.msg === 'internal error')).toEqual([]);
    expect(t.logs.join('')).not.toContain('"stack"');
    const metrics = await (await request(new URL('/metrics', t.url))).body.text();
    expect(metrics).toContain('gateway_graphql_operations_total{operation="other",code="CLIENT_CLOSED_REQUEST"} 1');
    expect(metrics).not.toContain('code="INTERNAL_SERVER_ERROR"');
  });
});

it('sends no traceparent to Graph when tracing is off', async () => {
  const t = await startTestGateway();
  await postGraphQL(t.url, COMPLETE_SEED, undefined, { traceparent: TRACEPARENT });
  expect(t.emulator.requests.map((r) => r.traceparent)).toEqual([undefined, undefined]);
  await t.stop();
});

describe('METRICS_PORT', () => {
  it('serves /metrics on its own port (0: any free one, given by metricsUrl), and not on the public port', async () => {
    const t = await startTestGateway({ METRICS_PORT: '0' });
    try {
      const metricsUrl = t.gateway.metricsUrl;
      expect(metricsUrl).toBeDefined();
      expect(metricsUrl!.pathname).toBe('/metrics');
      expect(metricsUrl!.port).not.toBe(t.url.port);
      expect(Number(metricsUrl!.port)).toBeGreaterThan(0);
      const separate = await request(metricsUrl!);
      expect(separate.statusCode).toBe(200);
      expect(separate.headers['content-type']).toContain('text/plain');
      expect(await separate.body.text()).toContain('# TYPE gateway_graphql_operations_total counter');
      const other = await request(new URL('/healthz', metricsUrl));
      await other.body.dump();
      expect(other.statusCode).toBe(404);
      const publicPort = await request(new URL('/metrics', t.url));
      await publicPort.body.dump();
      expect(publicPort.statusCode).toBe(404);
    } finally {
      await t.stop();
    }
  });

  it('without it, /metrics is on the public port', async () => {
    const t = await startTestGateway();
    try {
      expect(t.gateway.metricsUrl).toBeUndefined();
      const metrics = await request(new URL('/metrics', t.url));
      expect(metrics.statusCode).toBe(200);
      expect(await metrics.body.text()).toContain('# TYPE gateway_graphql_operations_total counter');
    } finally {
      await t.stop();
    }
  });
});
