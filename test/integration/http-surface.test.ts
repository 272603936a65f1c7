import { Client, request } from 'undici';
import { fingerprint } from '../../src/emulator/server/emulator-server';
import { COMPLETE_SEED, postGraphQL, SEED, startTestGateway, type TestGateway } from '../support/gateway';

const SANDBOX = 'https://sandbox.embed.apollographql.com';
const READ_SEED = `{ uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") { id } }`;

describe('the HTTP surface in development (emulator defaults)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GRAPH_AUTH: 'emulator', CORS_ORIGINS: `${SANDBOX},http://127.0.0.1:5173` });
  });
  afterAll(() => t.stop());
  beforeEach(() => {
    t.emulator.requests.length = 0;
  });

  it('serves liveness, readiness and Prometheus metrics', async () => {
    await postGraphQL(t.url, READ_SEED);
    const health = await request(new URL('/healthz', t.url));
    const ready = await request(new URL('/readyz', t.url));
    const metrics = await request(new URL('/metrics', t.url));
    const text = await metrics.body.text();
    await health.body.dump();
    await ready.body.dump();
    expect([health.statusCode, ready.statusCode, metrics.statusCode]).toEqual([200, 200, 200]);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(text).toMatch(/gateway_graphql_operations_total\{operation="anonymous",code="OK"\} \d+/);
    expect(text).toMatch(/gateway_graph_request_duration_seconds_count\{method="GET",status="200"\} \d+/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('returns a correlation id, taking the caller’s when it is sane', async () => {
    const mine = await postGraphQL(t.url, READ_SEED, undefined, { 'x-request-id': 'frontend-42' });
    const bogus = await postGraphQL(t.url, READ_SEED, undefined, { 'x-request-id': 'bad id\twith tab' });
    expect(mine.headers['x-request-id']).toBe('frontend-42');
    expect(bogus.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows Apollo Sandbox with a read of the seeded session to a browser', async () => {
    const page = await request(t.url, { headers: { accept: 'text/html' } });
    const html = await page.body.text();
    expect(page.statusCode).toBe(200);
    expect(html).toContain('embeddable-sandbox');
    expect(html).toContain('uploadSession(');
    expect(html).toContain(SEED.uploadSessionId);
  });

  it('allows introspection outside production', async () => {
    const { body } = await postGraphQL(t.url, '{ __schema { mutationType { name } } }');
    expect(body.data).toEqual({ __schema: { mutationType: { name: 'Mutation' } } });
  });

  it('refuses a body over 1 MB with 413 and calls nothing', async () => {
    const response = await request(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: READ_SEED, variables: { pad: 'x'.repeat(1024 * 1024) } }),
    });
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(await response.body.text()).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(t.emulator.requests).toEqual([]);
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await request(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(await response.body.text()).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses batched requests', async () => {
    const response = await request(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: READ_SEED }, { query: READ_SEED }]),
    });
    expect(response.statusCode).toBe(400);
    await response.body.dump();
    expect(t.emulator.requests).toEqual([]);
  });

  it('keeps CSRF prevention on: a simple GET without a preflight header is refused', async () => {
    const url = new URL(t.url);
    url.searchParams.set('query', READ_SEED);
    const simple = await request(url);
    await simple.body.dump();
    expect(simple.statusCode).toBe(400);
    const preflighted = await request(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.statusCode).toBe(200);
    expect(JSON.parse(await preflighted.body.text()).data.uploadSession.id).toBe(SEED.uploadSessionId);
  });

  it('reads a GET operation from the query string, however the target is written', async () => {
    const query = encodeURIComponent(READ_SEED);
    // A client of its own: it sends each target as written (a URL would resolve the dot segments first).
    const client = new Client(new URL(t.url).origin);
    const targets = [`/graphql?query=${query}`, `/graphql?variables=%7B%7D&query=${query}`, `/ignored/../graphql?query=${query}`, `/graphql?query=${query}#fragment`];
    try {
      for (const path of targets) {
        const response = await client.request({ method: 'GET', path, headers: { 'apollo-require-preflight': 'true' } });
        const text = await response.body.text();
        expect({ path, status: response.statusCode }).toEqual({ path, status: 200 });
        expect(JSON.parse(text).data.uploadSession.id).toBe(SEED.uploadSessionId);
      }
    } finally {
      await client.close();
    }
  });

  it('does not run mutations over GET', async () => {
    const url = new URL(t.url);
    url.searchParams.set('query', COMPLETE_SEED);
    const response = await request(url, { headers: { 'apollo-require-preflight': 'true' } });
    await response.body.dump();
    expect(response.statusCode).toBe(405);
    expect(t.emulator.requests).toEqual([]);
  });

  it('answers CORS for listed origins only', async () => {
    const preflight = (origin: string) =>
      request(t.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const listed = await preflight('http://127.0.0.1:5173');
    const unlisted = await preflight('https://evil.example');
    await listed.body.dump();
    await unlisted.body.dump();
    expect(listed.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
    expect(listed.headers['access-control-allow-headers']).toContain('content-type');
    expect(unlisted.headers['access-control-allow-origin']).toBeUndefined();
    const sandbox = await postGraphQL(t.url, READ_SEED, undefined, { origin: SANDBOX });
    expect(sandbox.headers['access-control-allow-origin']).toBe(SANDBOX);
  });

  it('refuses an operation that would call Graph too often, before any call', async () => {
    const fields = Array.from({ length: 11 }, (_, i) => `s${i}: uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") { id }`);
    // A validation failure: 400 for graphql-response+json clients, 200 for legacy JSON ones (GraphQL over HTTP).
    const legacy = await postGraphQL(t.url, `{ ${fields.join(' ')} }`);
    expect(legacy.status).toBe(200);
    const { status, body } = await postGraphQL(t.url, `{ ${fields.join(' ')} }`, undefined, { accept: 'application/graphql-response+json' });
    expect(status).toBe(400);
    expect(legacy.body).toEqual(body);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('the limit is 10 (MAX_GRAPH_CALLS_PER_OPERATION)'),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(t.emulator.requests).toEqual([]);
  });
});

describe('the HTTP surface in production', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ NODE_ENV: 'production', GRAPH_AUTH: 'emulator' });
  });
  afterAll(() => t.stop());

  it('turns off introspection and the Sandbox', async () => {
    const { body } = await postGraphQL(t.url, '{ __schema { queryType { name } } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const page = await request(t.url, { headers: { accept: 'text/html' } });
    const html = await page.body.text();
    expect(html).not.toContain('embeddable-sandbox');
    // A browser hears that the console is off, not Apollo's CSRF refusal.
    expect(page.statusCode).toBe(404);
    expect(html).toContain('developer console is off');
    expect(html).not.toMatch(/CSRF|preflight/i);
  });

  it('allows no cross-origin caller unless configured', async () => {
    const { headers } = await postGraphQL(t.url, READ_SEED, undefined, { origin: SANDBOX });
    expect(headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a bad id in production without a stack trace (masking of gateway bugs: test/unit/format-error.test.ts)', async () => {
    const { body } = await postGraphQL(t.url, COMPLETE_SEED.replace(SEED.catalogId, 'nope'));
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });
});

describe('passthrough mode', () => {
  const token = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjYWxsZXIifQ.c2VjcmV0LXNpZ25hdHVyZS1kby1ub3QtbG9n';
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GRAPH_AUTH: 'passthrough', LOG_LEVEL: 'trace' });
  });
  afterAll(() => t.stop());

  it('forwards the caller’s bearer token to Graph', async () => {
    const { body } = await postGraphQL(t.url, READ_SEED, undefined, { authorization: `Bearer ${token}` });
    expect(body.errors).toBeUndefined();
    expect(t.emulator.requests.at(-1)?.tokenFingerprint).toBe(fingerprint(`Bearer ${token}`));
  });

  it('answers UNAUTHENTICATED without a token, before calling Graph', async () => {
    const before = t.emulator.requests.length;
    const { body } = await postGraphQL(t.url, READ_SEED);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(t.emulator.requests.length).toBe(before);
  });

  it('never writes the token into a log line, a response or a metric', async () => {
    const answers = [
      await postGraphQL(t.url, COMPLETE_SEED, undefined, { authorization: `Bearer ${token}` }),
      await postGraphQL(t.url, COMPLETE_SEED.replace(SEED.uploadSessionId, '00000000-0000-4000-8000-000000000000'), undefined, { authorization: `Bearer ${token}` }),
    ];
    const metrics = await (await request(new URL('/metrics', t.url))).body.text();
    expect(t.logs.length).toBeGreaterThan(3);
    for (const text of [...t.logs, metrics, ...answers.map((a) => JSON.stringify(a))]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain('c2VjcmV0LXNpZ25hdHVyZS1kby1ub3QtbG9n');
    }
  });
});
