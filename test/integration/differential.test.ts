import 'reflect-metadata';
import { GraphQLError } from 'graphql';
import { buildSchemaSync, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { request } from 'undici';
import { UploadSessionResolver } from '../../src/graphql/upload-sessions/upload-session.resolver';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';

/**
 * Expected answers, first time and repeated: every request of the corpus is sent three times. The first run
 * parses and validates; the repeats take the document from Apollo's document store, and whatever is cached
 * after a first run (documents, counts kept on operation nodes) is read by the next two. The answers must
 * match byte for byte (status, headers, body), and each must have the entry's status, code and, where
 * named, data and error path.
 */
@ObjectType()
class Probe {
  @Field()
  value!: string;
}

@Resolver()
class ProbeResolver {
  @Query(() => String, { nullable: true, description: 'A gateway bug: its message must be masked in production.' })
  internalBug(): string {
    throw new TypeError('secret detail of a bug');
  }

  @Query(() => String, { nullable: true, description: 'An error that sets the HTTP status through extensions.http.' })
  teapot(): string {
    throw new GraphQLError('I am a teapot.', { extensions: { code: 'BAD_USER_INPUT', http: { status: 418 } } });
  }

  @Query(() => Probe)
  probe(): Probe {
    return { value: 'ok' };
  }
}

const schema = buildSchemaSync({ resolvers: [UploadSessionResolver, ProbeResolver], validate: false });
// A 504 or 500 to a completion may have landed, so the session is read: on the seed (completed above) that read
// answers the success; on a session that does not exist, the failure stands, as these entries need.
const MISSING = { ...SEED, uploadSessionId: '00000000-0000-4000-8000-000000000000' };
const COMPLETE = 'mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id status isUploadDone } }';
const READ = `query Read($c: ID!, $r: ID!, $s: ID!) {
  first: uploadSession(catalogId: $c, resourceId: $r, uploadSessionId: $s) { ...Fields }
  again: uploadSession(catalogId: $c, resourceId: $r, uploadSessionId: $s) { __typename id }
}
fragment Fields on CustomDataProvidedResourceUploadSession { __typename id status stats { filesUploaded totalBytesUploaded } files { name size } }`;
const SEED_VARS = { c: SEED.catalogId, r: SEED.resourceId, s: SEED.uploadSessionId };

interface Entry {
  name: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Before each send, e.g. a fault in the emulator. */
  arrange?: (t: TestGateway) => Promise<void>;
  status: number;
  code: string;
  /** The answer's `data`, where the entry is about it. */
  data?: unknown;
  /** The first error's path. */
  errorPath?: (string | number)[];
}

const CORPUS: Entry[] = [
  { name: 'a read with aliases, a fragment and __typename', body: { query: READ, variables: SEED_VARS }, status: 200, code: 'OK' },
  { name: 'a completion (idempotent)', body: { query: COMPLETE, variables: { input: SEED } }, status: 200, code: 'OK' },
  { name: 'NOT_FOUND', body: { query: COMPLETE, variables: { input: MISSING } }, status: 200, code: 'NOT_FOUND' },
  { name: 'BAD_USER_INPUT: ids that are not GUIDs', body: { query: COMPLETE, variables: { input: { ...SEED, catalogId: 'x' } } }, status: 200, code: 'BAD_USER_INPUT' },
  { name: 'variables that do not coerce (legacy JSON)', body: { query: COMPLETE, variables: { input: { catalogId: 1 } } }, status: 200, code: 'BAD_USER_INPUT' },
  {
    name: 'variables that do not coerce (graphql-response+json)',
    body: { query: COMPLETE, variables: { input: { catalogId: 1 } } },
    headers: { accept: 'application/graphql-response+json' },
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  { name: 'FORBIDDEN', body: { query: COMPLETE, variables: { input: SEED } }, arrange: fault({ status: 403 }), status: 200, code: 'FORBIDDEN' },
  { name: 'CONFLICT', body: { query: READ, variables: SEED_VARS }, arrange: fault({ method: 'GET', status: 412 }), status: 200, code: 'CONFLICT' },
  { name: 'THROTTLED', body: { query: COMPLETE, variables: { input: SEED } }, arrange: fault({ status: 429, retryAfter: '7' }), status: 200, code: 'THROTTLED' },
  { name: 'UPSTREAM_UNAVAILABLE', body: { query: COMPLETE, variables: { input: SEED } }, arrange: fault({ status: 503 }), status: 200, code: 'UPSTREAM_UNAVAILABLE' },
  { name: 'UPSTREAM_TIMEOUT', body: { query: COMPLETE, variables: { input: MISSING } }, arrange: fault({ status: 504 }), status: 200, code: 'UPSTREAM_TIMEOUT' },
  { name: 'UPSTREAM_ERROR', body: { query: COMPLETE, variables: { input: MISSING } }, arrange: fault({ status: 500 }), status: 200, code: 'UPSTREAM_ERROR' },
  { name: 'a masked internal error', body: { query: '{ internalBug }' }, status: 200, code: 'INTERNAL_SERVER_ERROR' },
  { name: 'an error with extensions.http', body: { query: '{ teapot }' }, status: 418, code: 'BAD_USER_INPUT' },
  { name: 'introspection in production', body: { query: '{ __schema { queryType { name } } }' }, status: 200, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a document that does not parse', body: { query: '{ probe { value }' }, status: 200, code: 'GRAPHQL_PARSE_FAILED' },
  { name: '__typename alone', body: { query: '{ __typename probe { __typename value } }' }, status: 200, code: 'OK' },
];

function fault(spec: Record<string, unknown>) {
  return async (t: TestGateway) => {
    t.emulator.faults.clear();
    t.emulator.faults.add({ method: 'PATCH', times: 1, ...spec });
  };
}

async function send(t: TestGateway, entry: Entry) {
  await entry.arrange?.(t);
  const response = await request(t.url, {
    method: 'POST',
    // A fixed correlation id: every header is then the same by design, but the date.
    headers: { 'content-type': 'application/json', 'x-request-id': 'differential', ...entry.headers },
    body: JSON.stringify(entry.body),
  });
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => name !== 'date'));
  // Graph's ids differ per call by design; everything else must not.
  const text = (await response.body.text()).replace(/"(requestId|clientRequestId)":"[^"]+"/g, '"$1":"…"');
  return { status: response.statusCode, headers, text };
}

/** Sends an entry three times and checks the answers against each other and against the entry. */
async function expectAnswers(t: TestGateway, entry: Entry): Promise<void> {
  const first = await send(t, entry);
  for (const repeat of [await send(t, entry), await send(t, entry)]) expect(repeat).toEqual(first);
  expect(first.status).toBe(entry.status);
  const body = JSON.parse(first.text) as { data?: unknown; errors?: { path?: unknown; extensions: { code: string } }[] };
  expect(body.errors?.[0]?.extensions.code ?? 'OK').toBe(entry.code);
  if ('data' in entry) expect(body.data).toEqual(entry.data);
  if (entry.errorPath) expect(body.errors?.[0]?.path).toEqual(entry.errorPath);
  expect(first.text).not.toContain('secret detail');
  expect(first.text).not.toMatch(/stacktrace|at .+\.ts:\d+/);
}

describe('expected answers, first time and repeated (production)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      { NODE_ENV: 'production', GRAPH_AUTH: 'emulator', GRAPH_MAX_RETRIES: '0', GRAPH_BREAKER_FAILURES: '1000', LOG_LEVEL: 'silent' },
      { schema },
    );
  });
  afterAll(() => t.stop());

  it.each(CORPUS.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => expectAnswers(t, entry));
});

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on CustomDataProvidedResourceUploadSession { id status } }
}`;
const reference = { __typename: 'CustomDataProvidedResourceUploadSession', catalogId: SEED.catalogId, resourceId: SEED.resourceId, id: SEED.uploadSessionId };

const FEDERATION_CORPUS: Entry[] = [
  {
    // A router matches the answer's list to its representations by position: a failed one must stay a null.
    name: '_entities with a malformed key beside a good one',
    body: { query: ENTITIES, variables: { representations: [reference, { ...reference, id: 'not-a-guid' }] } },
    status: 200,
    code: 'BAD_USER_INPUT',
    data: { _entities: [{ id: SEED.uploadSessionId, status: 'ACTIVE' }, null] },
    errorPath: ['_entities', 1],
  },
  {
    name: '_entities, every key good',
    body: { query: ENTITIES, variables: { representations: [reference, reference] } },
    status: 200,
    code: 'OK',
    data: { _entities: [{ id: SEED.uploadSessionId, status: 'ACTIVE' }, { id: SEED.uploadSessionId, status: 'ACTIVE' }] },
  },
];

describe('expected answers of the subgraph, first time and repeated (FEDERATION=true, production)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ NODE_ENV: 'production', FEDERATION: 'true', GRAPH_AUTH: 'emulator', LOG_LEVEL: 'silent' });
  });
  afterAll(() => t.stop());

  it.each(FEDERATION_CORPUS.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => expectAnswers(t, entry));
});
