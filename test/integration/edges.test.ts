import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { connect } from 'node:net';
import { print } from 'graphql';
import { request } from 'undici';
import { UploadSessionDocument } from '../../src/client/generated';
import { fingerprint } from '../../src/emulator/server/emulator-server';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';

// The same answer at every edge. Each refusal made before an operation runs answers in the client's
// media type, with a status that says what happened, and leaves one log line and a count like an operation.

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const READ_SEED = `{ uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") { id } }`;
/** The generated read document, which the built-in trusted-documents manifest holds. */
const MANIFEST_READ = print(UploadSessionDocument);
const TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJlZGdlcyJ9.ZWRnZXMtc2lnbmF0dXJl';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

interface Attempt {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  headers?: Record<string, string>;
  body?: string;
  search?: Record<string, string>;
}

async function send(url: URL, { method = 'POST', headers = {}, body, search }: Attempt): Promise<Answer> {
  const target = new URL(url);
  for (const [name, value] of Object.entries(search ?? {})) target.searchParams.set(name, value);
  const response = await request(target, { method, headers, body });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

const json = (value: unknown) => JSON.stringify(value);
const jsonPost = (body: string, headers: Record<string, string> = {}): Attempt => ({ headers: { 'content-type': 'application/json', ...headers }, body });

/**
 * Each refusal made before execution, as a request with the status and code it must get. The document is the
 * manifest's and `headers` may carry a token, so that only the refusal named stands in the way.
 */
function refusals(headers: Record<string, string>) {
  const operation = { query: MANIFEST_READ, variables: SEED };
  return {
    'invalid JSON': { attempt: jsonPost('{"query": ', headers), status: 400, code: 'BAD_REQUEST' },
    'CSRF: a GET without a preflight header': {
      attempt: { method: 'GET' as const, headers, search: { query: MANIFEST_READ, variables: json(SEED) } },
      status: 400,
      code: 'BAD_REQUEST',
    },
    'CSRF: a text/plain POST without a preflight header': {
      attempt: { headers: { ...headers, 'content-type': 'text/plain' }, body: json(operation) },
      status: 400,
      code: 'BAD_REQUEST',
    },
    'a batch': { attempt: jsonPost(json([operation, operation]), headers), status: 400, code: 'BAD_REQUEST' },
    'an oversized body': { attempt: jsonPost(json({ ...operation, extensions: { pad: 'x'.repeat(1024 * 1024) } }), headers), status: 413, code: 'BAD_REQUEST' },
    'a wrong method': { attempt: { method: 'PUT' as const, ...jsonPost(json(operation), headers) }, status: 405, code: 'BAD_REQUEST' },
  };
}

function logLines(t: TestGateway, requestId: string): Record<string, unknown>[] {
  return t.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.requestId === requestId && line.level !== 'debug' && line.level !== 'trace');
}

async function metricsText(t: TestGateway): Promise<string> {
  const response = await request(new URL('/metrics', t.url));
  return response.body.text();
}

describe('UNAUTHENTICATED is HTTP 401 everywhere (GRAPH_AUTH=passthrough)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GRAPH_AUTH: 'passthrough' });
  });
  afterAll(() => t.stop());
  beforeEach(() => {
    t.emulator.requests.length = 0;
  });

  it('refuses an operation without a token with 401 and a Bearer challenge, before any Graph call', async () => {
    const answer = await send(t.url, jsonPost(json({ query: READ_SEED })));
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(answer.text)).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(t.emulator.requests).toEqual([]);
  });

  it('refuses a GET operation without a token the same way', async () => {
    const answer = await send(t.url, { method: 'GET', headers: { 'apollo-require-preflight': 'true' }, search: { query: READ_SEED } });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(t.emulator.requests).toEqual([]);
  });

  it('runs with a token, and Graph sees that token', async () => {
    const answer = await send(t.url, jsonPost(json({ query: READ_SEED }), { authorization: `Bearer ${TOKEN}` }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ data: { uploadSession: { id: SEED.uploadSessionId } } });
    expect(t.emulator.requests.map((r) => r.tokenFingerprint)).toEqual([fingerprint(`Bearer ${TOKEN}`)]);
  });

  it('shows the landing page to a browser without a token', async () => {
    const page = await send(t.url, { method: 'GET', headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });
});

describe('refusals speak the client’s media type, and every request leaves one log line', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GRAPH_AUTH: 'passthrough', TRUSTED_DOCUMENTS: 'enforce', LOG_LEVEL: 'info' });
  });
  afterAll(() => t.stop());
  beforeEach(() => {
    t.emulator.requests.length = 0;
  });

  const cases = {
    ...refusals({ accept: GRAPHQL_RESPONSE, authorization: `Bearer ${TOKEN}` }),
    'a document outside the trusted-documents manifest': {
      attempt: jsonPost(json({ query: READ_SEED }), { accept: GRAPHQL_RESPONSE, authorization: `Bearer ${TOKEN}` }),
      status: 400,
      code: 'PERSISTED_QUERY_NOT_IN_LIST',
    },
  };

  it.each(Object.entries(cases))('%s: its status, in application/graphql-response+json, one log line with status, code and requestId', async (name, { attempt, status, code }) => {
    const requestId = `edge-${name.replace(/\W+/g, '-')}`;
    const answer = await send(t.url, { ...attempt, headers: { ...attempt.headers, 'x-request-id': requestId } });
    expect({ status: answer.status, contentType: answer.headers['content-type'] }).toEqual({ status, contentType: expect.stringContaining(GRAPHQL_RESPONSE) });
    expect(JSON.parse(answer.text)).toEqual({ errors: [expect.objectContaining({ message: expect.any(String), extensions: expect.objectContaining({ code }) })] });
    if (status === 405) expect(answer.headers.allow).toBe('GET, POST, OPTIONS');
    expect(t.emulator.requests).toEqual([]);
    expect(logLines(t, requestId)).toEqual([expect.objectContaining({ msg: 'GraphQL request refused', level: 'info', status, code, requestId })]);
  });

  it('a caller without a token: 401 in application/graphql-response+json, one log line, counted as caller-refused', async () => {
    const answer = await send(t.url, jsonPost(json({ query: MANIFEST_READ, variables: SEED }), { accept: GRAPHQL_RESPONSE, 'x-request-id': 'edge-caller' }));
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toContain(GRAPHQL_RESPONSE);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(logLines(t, 'edge-caller')).toEqual([expect.objectContaining({ msg: 'GraphQL request refused', status: 401, code: 'UNAUTHENTICATED', requestId: 'edge-caller' })]);
    expect(await metricsText(t)).toMatch(/gateway_graphql_operations_total\{operation="caller-refused",code="UNAUTHENTICATED"\} [1-9]/);
  });

  it('an operation leaves one line too, and refusals are counted as request-refused', async () => {
    const answer = await send(t.url, jsonPost(json({ query: MANIFEST_READ, variables: SEED }), { authorization: `Bearer ${TOKEN}`, 'x-request-id': 'edge-operation' }));
    expect(answer.status).toBe(200);
    expect(logLines(t, 'edge-operation')).toEqual([expect.objectContaining({ msg: 'GraphQL operation', status: 200, code: 'OK', requestId: 'edge-operation' })]);
    const metrics = await metricsText(t);
    expect(metrics).toMatch(/gateway_graphql_operations_total\{operation="request-refused",code="BAD_REQUEST"\} [1-9]/);
    expect(metrics).toMatch(/gateway_graphql_operations_total\{operation="request-refused",code="PERSISTED_QUERY_NOT_IN_LIST"\} [1-9]/);
  });

  it('Apollo Client 4 reads a trusted-documents refusal as GraphQL errors with their code', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: t.url.href, headers: { authorization: `Bearer ${TOKEN}` } }),
      cache: new InMemoryCache(),
    });
    const failure = await client.query({ query: gql(READ_SEED), fetchPolicy: 'network-only' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(CombinedGraphQLErrors.is(failure)).toBe(true);
    expect((failure as CombinedGraphQLErrors).errors.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    client.stop();
  });
});

describe('refusals answer application/json to legacy clients', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ LOG_LEVEL: 'info' });
  });
  afterAll(() => t.stop());

  it.each(Object.entries(refusals({ accept: 'application/json' })))('%s', async (_name, { attempt, status, code }) => {
    const answer = await send(t.url, attempt);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toContain('application/json');
    expect(JSON.parse(answer.text).errors[0].extensions.code).toBe(code);
  });
});

describe('odd but well-formed requests are refused, never answered 5xx (found by test/e2e/gateway-fuzz.test.ts)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ LOG_LEVEL: 'info' });
  });
  afterAll(() => t.stop());

  it('an operationName that names no operation of the document: 400 OPERATION_RESOLUTION_FAILURE', async () => {
    for (const body of [{ query: READ_SEED, operationName: 'Missing' }, { query: 'query A { __typename } query B { __typename }' }]) {
      const answer = await send(t.url, jsonPost(json(body), { accept: GRAPHQL_RESPONSE }));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    }
    expect(t.logs.filter((line) => line.includes('internal error'))).toEqual([]);
  });

  it('a request target that is no URL: 400, not a gateway failure', async () => {
    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(t.url.port), '127.0.0.1', () => socket.write(`GET http://[ HTTP/1.1\r\nHost: ${t.url.host}\r\nConnection: close\r\n\r\n`));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('end', () => resolve(answer.split('\r\n')[0]!));
      socket.on('error', reject);
    });
    expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(t.logs.filter((line) => line.includes('unhandled request failure'))).toEqual([]);
  });
});
