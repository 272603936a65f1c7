import { request } from 'undici';
import { KnownOperations } from '../../src/graphql/known-operations';
import { postGraphQL, SEED, startTestGateway, type TestGateway } from '../support/gateway';

const READ_SEED = `query Read { uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") {
  id catalogId resourceId status isUploadDone referenceId createdDateTime expirationDateTime
  stats { filesUploaded totalBytesUploaded } files { id name size uploadedDateTime }
} }`;

let t: TestGateway;
let run: jest.SpyInstance;
beforeEach(async () => {
  t = await startTestGateway({ LOG_LEVEL: 'info' });
  run = jest.spyOn(KnownOperations.prototype, 'run');
});
afterEach(async () => {
  run.mockRestore();
  await t.stop();
});

/** Which path answered each request so far: 'apollo' or 'known'. */
async function paths(): Promise<string[]> {
  return Promise.all(run.mock.results.map(async (r) => ((await r.value) === undefined ? 'apollo' : 'known')));
}

async function post(query: string, variables?: Record<string, unknown>) {
  const response = await request(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.statusCode, contentType: response.headers['content-type'], text: await response.body.text() };
}

it('answers a repeated operation without Apollo, byte for byte as Apollo did', async () => {
  const first = await post(READ_SEED);
  const second = await post(READ_SEED);
  expect(await paths()).toEqual(['apollo', 'known']);
  expect(second).toEqual(first);
  expect(JSON.parse(first.text).data.uploadSession.id).toBe(SEED.uploadSessionId);
});

it('formats errors the same way on both paths, and counts and logs both', async () => {
  const query = 'mutation Missing($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id status } }';
  const input = { ...SEED, uploadSessionId: '00000000-0000-4000-8000-000000000000' };
  const first = await post(query, { input });
  const second = await post(query, { input });
  expect(await paths()).toEqual(['apollo', 'known']);
  // Graph's ids differ per call; everything else is identical.
  const normalize = (text: string) => text.replace(/"(requestId|clientRequestId)":"[^"]+"/g, '"$1":"…"');
  expect(normalize(second.text)).toBe(normalize(first.text));
  expect([second.status, second.contentType]).toEqual([first.status, first.contentType]);
  expect(JSON.parse(first.text).errors[0].extensions.code).toBe('NOT_FOUND');

  const metrics = await (await request(new URL('/metrics', t.url))).body.text();
  expect(metrics).toContain('gateway_graphql_operations_total{operation="Missing",code="NOT_FOUND"} 2');
  const lines = t.logs.map((line) => JSON.parse(line) as { msg: string; code?: string }).filter((line) => line.msg === 'GraphQL operation');
  expect(lines.map((line) => line.code)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
});

it('leaves variables that do not coerce to Apollo, which answers as it did the first time', async () => {
  const query = 'mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id } }';
  await post(query, { input: SEED });
  const bad = await post(query, { input: { catalogId: SEED.catalogId } });
  expect(await paths()).toEqual(['apollo', 'apollo']);
  expect(bad.status).toBe(400);
  expect(JSON.parse(bad.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  expect(t.emulator.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
});

it('leaves other media types and GET to Apollo', async () => {
  await post(READ_SEED);
  const graphqlResponse = await postGraphQL(t.url, READ_SEED, undefined, { accept: 'application/graphql-response+json' });
  expect(graphqlResponse.headers['content-type']).toContain('application/graphql-response+json');
  expect(await paths()).toEqual(['apollo']); // the second request never asked the known-operations path
});
