import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { COMPLETE_SEED, postGraphQL } from '../support/gateway';
import { spawnProcess, type Spawned } from '../support/spawn';

// A spawned `node dist/main.js`: the OTLP exporter loads node:http with a dynamic import, which jest's module sandbox refuses.
jest.setTimeout(120_000);

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

let collector: Server;
let emulator: Emulator;
let gateway: Spawned | undefined;
const exports: { path: string; spans: ExportedSpan[] }[] = [];

beforeAll(async () => {
  // A local OTLP/HTTP receiver for the JSON encoding the http exporter sends.
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[] };
      exports.push({ path: req.url ?? '', spans: parsed.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)) });
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  emulator = createEmulator();
});

afterAll(async () => {
  gateway?.signalGroup('SIGKILL');
  await gateway?.closed;
  await emulator.close();
  await new Promise<void>((resolve) => collector.close(() => resolve()));
});

it('exports a span for the operation and one per Graph attempt in the caller’s trace, and sends Graph each attempt’s traceparent', async () => {
  const graphBaseUrl = await emulator.listen(0, '127.0.0.1');
  const { port } = collector.address() as AddressInfo;
  gateway = spawnProcess('node', ['dist/main.js'], {
    PORT: '0',
    HOST: '127.0.0.1',
    GRAPH_BASE_URL: graphBaseUrl.href,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
  });
  const [, url] = await gateway.waitFor(/gateway listening on (http:\/\/\S+)"/);

  const answer = await postGraphQL(new URL(url!), `mutation Complete ${COMPLETE_SEED.slice('mutation '.length)}`, undefined, {
    traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`,
  });
  expect(answer.body.errors).toBeUndefined();
  gateway.child.kill('SIGTERM'); // stopping flushes the span batch
  expect(await gateway.exited).toBe(0);

  const spans = exports.flatMap((e) => e.spans);
  expect(exports.length).toBeGreaterThan(0);
  expect(exports.every((e) => e.path === '/v1/traces')).toBe(true);
  const operation = spans.find((span) => span.name === 'Complete');
  const attempts = spans.filter((span) => span.name.startsWith('graph '));
  expect(operation).toMatchObject({ traceId: TRACE_ID, parentSpanId: CALLER_SPAN });
  expect(attempts.map((span) => span.name).sort()).toEqual(['graph GET', 'graph PATCH']);
  for (const attempt of attempts) expect(attempt).toMatchObject({ traceId: TRACE_ID, parentSpanId: operation!.spanId });
  const received = emulator.requests.map((r) => r.traceparent).sort();
  expect(received).toEqual(attempts.map((span) => `00-${TRACE_ID}-${span.spanId}-01`).sort());
});
