import 'reflect-metadata';
import { GraphQLError } from 'graphql';
import { buildSchemaSync, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { request } from 'undici';
import { compileQuery } from 'graphql-jit';
import { UploadSessionResolver } from '../../src/graphql/upload-session.resolver';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';

// graphql-jit as it is, its compiler counted: the corpus must reach the compiled path, not only graphql-js.
jest.mock('graphql-jit', () => {
  const actual = jest.requireActual<typeof import('graphql-jit')>('graphql-jit');
  return { ...actual, compileQuery: jest.fn(actual.compileQuery) };
});

/**
 * The engine's differential test: every request of the corpus is sent three times — interpreted by graphql-js
 * (an operation's first time), compiled by graphql-jit (its second), run from the compiled function (its
 * third) — and the answers must match byte for byte (status, headers, body). Each entry also names the status and code the answer must have, so a change to
 * the executor's handling of errors fails here even when it changes both answers alike.
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
  { name: 'UPSTREAM_TIMEOUT', body: { query: COMPLETE, variables: { input: SEED } }, arrange: fault({ status: 504 }), status: 200, code: 'UPSTREAM_TIMEOUT' },
  { name: 'UPSTREAM_ERROR', body: { query: COMPLETE, variables: { input: SEED } }, arrange: fault({ status: 500 }), status: 200, code: 'UPSTREAM_ERROR' },
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

describe('interpreted, compiled and repeated answers are identical (production)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      { NODE_ENV: 'production', GRAPH_AUTH: 'emulator', GRAPH_MAX_RETRIES: '0', GRAPH_BREAKER_FAILURES: '1000', LOG_LEVEL: 'silent' },
      { schema },
    );
  });
  afterAll(() => t.stop());

  it.each(CORPUS.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    const first = await send(t, entry);
    const compiled = await send(t, entry);
    const repeat = await send(t, entry);
    expect(compiled).toEqual(first);
    expect(repeat).toEqual(first);
    expect(first.status).toBe(entry.status);
    const body = JSON.parse(first.text) as { errors?: { message: string; extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code ?? 'OK').toBe(entry.code);
    expect(first.text).not.toContain('secret detail');
    expect(first.text).not.toMatch(/stacktrace|at .+\.ts:\d+/);
  });

  it('compiled each document that ran (the read, the completion, the two probes and __typename), once', () => {
    expect(jest.mocked(compileQuery)).toHaveBeenCalledTimes(5);
  });
});
