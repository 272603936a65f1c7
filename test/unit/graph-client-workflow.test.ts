import pino from 'pino';
import { MockAgent } from 'undici';
import { GraphClient, type GraphCall } from '../../src/graph/graph-client';
import type { GraphRequestError } from '../../src/graph/transport/graph-failure';
import type { InvalidInputError } from '../../src/graph/odata/invalid-input';
import { parseGuids, parseResourceKey, parseSessionKey } from '../../src/graph/odata/ids';
import { parsePageSize } from '../../src/graph/odata/paging';
import { GraphGuard } from '../../src/graph/transport/graph-guard';
import { makeCursor, cursorBinding } from '../../src/graph/odata/cursor';
import { UploadSessionContextKind, UploadSessionStatus } from '../../src/graph/upload-sessions/upload-session';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { Metrics } from '../../src/metrics';

const resource = parseResourceKey({ catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff', resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff' });
const key = parseSessionKey({ ...resource, uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44' });
const review = parseGuids({ reviewDefinitionId: 'd0c9c0b4-9a6e-4b8d-9c3c-7c2f3c1b1a11', reviewInstanceId: 'f0c9c0b4-9a6e-4b8d-9c3c-7c2f3c1b1a11' });
const two = parsePageSize(2);
const BETA = '/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/73eb2497-3b88-4c0a-8bb3-68ba8162beff/accessPackageResources/99ab2454-3b88-4c0a-8bb3-68ba8162beff/uploadSessions';
const V1 = '/v1.0/identityGovernance/entitlementManagement/catalogs/73eb2497-3b88-4c0a-8bb3-68ba8162beff/resources/99ab2454-3b88-4c0a-8bb3-68ba8162beff/uploadSessions';
const json = { headers: { 'content-type': 'application/json' } };
const created = {
  '@odata.type': '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession',
  id: key.uploadSessionId,
  createdDateTime: '2026-07-01T10:00:00.1234567Z',
  isUploadDone: false,
  referenceId: review.reviewInstanceId,
  status: 'active',
  stats: { filesUploaded: 0, totalBytesUploaded: 0 },
  files: [],
  data: { '@odata.type': '#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData', ...review },
};
const referenceFilter = `$filter=${encodeURIComponent(`referenceId eq '${review.reviewInstanceId}'`)}`;

let agent: MockAgent;
let metrics: Metrics;

function clientFor(baseUrl: string): GraphClient {
  const guard = new GraphGuard({ host: 'graph.test', maxConcurrency: 4, maxQueue: 4, breakerFailures: 100, breakerHalfOpenAfterMs: 1000, metrics });
  return new GraphClient({
    baseUrl: new URL(baseUrl),
    dispatcher: agent,
    guard,
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, random: () => 0.5 },
    attemptTimeoutMs: 1000,
    metrics,
  });
}

function call(): GraphCall {
  return { authorization: async () => 'Bearer t', signal: new AbortController().signal, deadline: Date.now() + 5_000, log: pino({ level: 'silent' }) };
}

/** Every request the mock saw, in order, as `METHOD path`. */
let seen: string[];
function on(method: string, path: string | RegExp) {
  return agent.get('https://graph.test').intercept({ method, path: (actual: string) => (typeof path === 'string' ? actual === path : path.test(actual)) });
}
function recorded<T>(reply: T) {
  return (options: { method: string; path: string }) => {
    seen.push(`${options.method} ${options.path}`);
    return reply;
  };
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  metrics = new Metrics({ defaultMetrics: false });
  seen = [];
});

afterEach(async () => {
  await agent.close();
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('createSession', () => {
  it('POSTs the derived @odata.type and data on the v1.0 path, and maps the 201', async () => {
    let body: unknown;
    on('POST', V1).reply(201, (options) => {
      body = JSON.parse(String(options.body));
      return created;
    }, json);
    const session = await clientFor('https://graph.test/v1.0').createSession(resource, review, call());
    expect(body).toEqual({
      '@odata.type': '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession',
      data: { '@odata.type': '#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData', ...review },
    });
    expect(session).toMatchObject({ id: key.uploadSessionId, status: UploadSessionStatus.ACTIVE, files: [], referenceId: review.reviewInstanceId });
    expect(session.reviewContext).toEqual({ kind: UploadSessionContextKind.ACCESS_REVIEW, ...review });
  });

  it('retries a 429 (nothing was created) without a lookup', async () => {
    on('POST', BETA).reply(429, recorded({ error: { code: 'TooManyRequests' } }), { headers: { 'retry-after': '0' } });
    on('POST', BETA).reply(201, recorded(created), json);
    await clientFor('https://graph.test/beta').createSession(resource, review, call());
    expect(seen).toEqual([`POST ${BETA}`, `POST ${BETA}`]);
  });

  it('resolves a lost answer by looking the session up by referenceId, never posting twice', async () => {
    on('POST', BETA).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    on('GET', /\?/).reply(200, recorded({ value: [created] }), json);
    const session = await clientFor('https://graph.test/beta').createSession(resource, review, call());
    expect(session.id).toBe(key.uploadSessionId);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain(`GET ${BETA}?$top=1&${referenceFilter}&$count=true`);
    agent.assertNoPendingInterceptors();
  });

  it.each([500, 504])('after an ambiguous %i with no session found, posts again (it is known not to exist)', async (status) => {
    on('POST', BETA).reply(status, recorded({ error: { code: 'x' } }), json);
    on('GET', /referenceId/).reply(200, recorded({ value: [] }), json);
    on('POST', BETA).reply(201, recorded(created), json);
    await clientFor('https://graph.test/beta').createSession(resource, review, call());
    expect(seen.map((line) => line.split(' ')[0])).toEqual(['POST', 'GET', 'POST']);
  });

  it('posts again once only: a second ambiguous failure with no session found is the caller’s failure (four calls, as declared)', async () => {
    on('POST', BETA).reply(500, recorded({ error: { code: 'x' } }), json);
    on('GET', /referenceId/).reply(200, recorded({ value: [] }), json);
    on('POST', BETA).reply(500, recorded({ error: { code: 'x' } }), json);
    on('GET', /referenceId/).reply(200, recorded({ value: [] }), json);
    on('POST', BETA).reply(201, recorded(created), json);
    const error = (await failure(clientFor('https://graph.test/beta').createSession(resource, review, call()))) as GraphRequestError;
    expect(error.failure).toMatchObject({ kind: 'http', status: 500 });
    expect(seen.map((line) => line.split(' ')[0])).toEqual(['POST', 'GET', 'POST', 'GET']);
  });

  it('treats an unreadable 201 as ambiguous and finds the session', async () => {
    on('POST', BETA).reply(201, '<html>proxy</html>');
    on('GET', /referenceId/).reply(200, { value: [created] }, json);
    expect((await clientFor('https://graph.test/beta').createSession(resource, review, call())).id).toBe(key.uploadSessionId);
  });

  it('keeps the POST’s failure when the lookup fails too', async () => {
    on('POST', BETA).reply(502, { error: { code: 'BadGateway' } }, json);
    on('GET', /referenceId/).reply(403, { error: { code: 'Forbidden' } }, json);
    const error = (await failure(clientFor('https://graph.test/beta').createSession(resource, review, call()))) as GraphRequestError;
    expect(error.failure).toMatchObject({ kind: 'http', status: 502 });
  });

  it('answers a 409 with CONFLICT naming the session that holds the pair', async () => {
    on('POST', BETA).reply(409, { error: { code: 'uploadSessionAlreadyExists' } }, json);
    on('GET', /referenceId/).reply(200, { value: [{ ...created, id: 'existing-id' }] }, json);
    const error = await failure(clientFor('https://graph.test/beta').createSession(resource, review, call()));
    expect(toGraphQLError(error).extensions).toMatchObject({ code: 'CONFLICT', existingUploadSessionId: 'existing-id', graph: { status: 409 } });
  });
});

describe('listSessions', () => {
  const page = (count: number, ids: string[], nextLink?: string) => ({
    '@odata.count': count,
    value: ids.map((id) => ({ ...created, id })),
    ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
  });

  it('asks for $top, the escaped $filter, $count and newest first, and pages by position', async () => {
    const client = clientFor('https://graph.test/beta');
    const filter = { status: UploadSessionStatus.ACTIVE, referenceId: "o'brien" };
    on('GET', /\?/).reply(200, recorded(page(3, ['a', 'b'])), json);
    const first = await client.listSessions(resource, { first: two, filter }, call());
    const odataFilter = encodeURIComponent("status eq 'active' and referenceId eq 'o''brien'");
    expect(seen[0]).toBe(`GET ${BETA}?$top=2&$filter=${odataFilter}&$count=true&$orderby=createdDateTime%20desc`);
    expect(first).toMatchObject({ totalCount: 3, hasNextPage: true });
    expect(first.sessions.map((session) => session.id)).toEqual(['a', 'b']);
    expect(first.edges.map((edge) => edge.node.id)).toEqual(['a', 'b']);
    expect(first.endCursor).toBe(first.edges[1]!.cursor);

    on('GET', /\?/).reply(200, recorded(page(3, ['c'])), json);
    const second = await client.listSessions(resource, { first: two, after: first.endCursor, filter }, call());
    expect(seen[1]).toMatch(/&\$skip=2$/);
    expect(second).toMatchObject({ hasNextPage: false, totalCount: 3 });
    expect(second.sessions.map((session) => session.id)).toEqual(['c']);

    on('GET', /\?/).reply(200, recorded(page(3, ['b', 'c'])), json);
    await client.listSessions(resource, { first: two, after: first.edges[0]!.cursor, filter }, call());
    expect(seen[2]).toMatch(/&\$skip=1$/);
  });

  it('follows Graph’s own nextLink through the cursor', async () => {
    const client = clientFor('https://graph.test/beta');
    const nextLink = `https://graph.test${BETA}?$top=2&$count=true&$skiptoken=opaque`;
    on('GET', /\?/).reply(200, recorded(page(9, ['a', 'b'], nextLink)), json);
    const first = await client.listSessions(resource, { first: two }, call());
    expect(first.hasNextPage).toBe(true);
    on('GET', /\?/).reply(200, recorded(page(9, ['c', 'd'])), json);
    await client.listSessions(resource, { first: two, after: first.endCursor }, call());
    expect(seen[1]).toBe(`GET ${BETA}?$top=2&$count=true&$skiptoken=opaque`);
  });

  it('answers an empty page without a cursor', async () => {
    on('GET', /\?/).reply(200, { value: [] }, json);
    expect(await clientFor('https://graph.test/v1.0').listSessions(resource, { first: parsePageSize(5) }, call())).toEqual({
      sessions: [],
      edges: [],
      totalCount: undefined,
      endCursor: undefined,
      hasNextPage: false,
    });
  });

  describe('refuses before any call', () => {
    const binding = cursorBinding(resource, {});
    it.each([
      ['a cursor made under another filter', makeCursor({ skip: 2 }, cursorBinding(resource, { status: UploadSessionStatus.COMPLETE }))],
      ['a cursor made for another resource', makeCursor({ skip: 2 }, cursorBinding({ ...resource, resourceId: key.uploadSessionId }, {}))],
      ['a cursor pointing at another host', makeCursor({ skip: 2, nextLink: `https://evil.example${BETA}?$skiptoken=x` }, binding)],
      ['a cursor pointing at another resource', makeCursor({ skip: 2, nextLink: `https://graph.test${V1}?$skiptoken=x` }, binding)],
      ['a cursor whose link changes the filter', makeCursor({ skip: 2, nextLink: `https://graph.test${BETA}?$filter=status%20eq%20'complete'` }, binding)],
      ['a cursor whose link asks for more', makeCursor({ skip: 2, nextLink: `https://graph.test${BETA}?$expand=files` }, binding)],
      ['garbage', 'not-a-cursor!'],
    ])('%s', async (_name, after) => {
      const error = (await failure(clientFor('https://graph.test/beta').listSessions(resource, { first: two, after }, call()))) as InvalidInputError;
      expect(error.invalidArguments).toEqual(['after']);
      expect(toGraphQLError(error).extensions).toEqual({ code: 'BAD_USER_INPUT', invalidArguments: ['after'] });
    });
  });
});

describe('deleteSession', () => {
  it('DELETEs the session and takes the 204', async () => {
    on('DELETE', `${V1}/${key.uploadSessionId}`).reply(204, recorded(''));
    await clientFor('https://graph.test/v1.0').deleteSession(key, call());
    expect(seen).toHaveLength(1);
  });

  it('takes a 404 as success: already gone, so a retry after a lost answer is safe', async () => {
    on('DELETE', `${BETA}/${key.uploadSessionId}`).reply(404, { error: { code: 'NotFound' } }, json);
    await expect(clientFor('https://graph.test/beta').deleteSession(key, call())).resolves.toBeUndefined();
  });

  it('retries a lost connection, then a 404 is still success', async () => {
    on('DELETE', `${BETA}/${key.uploadSessionId}`).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    on('DELETE', `${BETA}/${key.uploadSessionId}`).reply(404, '');
    await expect(clientFor('https://graph.test/beta').deleteSession(key, call())).resolves.toBeUndefined();
  });

  it('passes other refusals on', async () => {
    on('DELETE', `${BETA}/${key.uploadSessionId}`).reply(403, { error: { code: 'Forbidden' } }, json);
    expect(((await failure(clientFor('https://graph.test/beta').deleteSession(key, call()))) as GraphRequestError).failure.status).toBe(403);
  });
});

describe('listFiles', () => {
  const files = `${BETA}/${key.uploadSessionId}/files`;

  it('follows nextLinks on the files path', async () => {
    on('GET', files).reply(200, { value: [{ id: '1', name: 'a.csv', size: 1 }], '@odata.nextLink': `https://graph.test${files}?$skiptoken=2` }, json);
    on('GET', /skiptoken=2$/).reply(200, { value: [{ id: '2', name: 'b.csv', size: '5000000000' }] }, json);
    const result = await clientFor('https://graph.test/beta').listFiles(key, call());
    expect(result.map((file) => [file.id, file.size])).toEqual([
      ['1', 1],
      ['2', 5_000_000_000],
    ]);
  });

  it('does not follow a nextLink elsewhere', async () => {
    on('GET', files).reply(200, { value: [], '@odata.nextLink': 'https://evil.example/files' }, json);
    const error = (await failure(clientFor('https://graph.test/beta').listFiles(key, call()))) as GraphRequestError;
    expect(error.failure.kind).toBe('unreadable');
  });
});
