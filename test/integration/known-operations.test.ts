import { request } from 'undici';
import { KnownOperations } from '../../src/graphql/known-operations';
import { FakeAuthority, TENANT_ID } from '../support/fake-authority';
import { postGraphQL, SEED, startTestGateway, type TestGateway } from '../support/gateway';

const READ_SEED = `query Read { uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") {
  id catalogId resourceId status isUploadDone referenceId createdDateTime expirationDateTime
  stats { filesUploaded totalBytesUploaded } files { id name size uploadedDateTime }
} }`;

let run: jest.SpyInstance;
beforeEach(() => {
  run = jest.spyOn(KnownOperations.prototype, 'run');
});
afterEach(() => run.mockRestore());

/** Which path answered each request that reached the choice: 'apollo' or 'known'. */
async function paths(): Promise<string[]> {
  return Promise.all(run.mock.results.map(async (r) => ((await r.value) === undefined ? 'apollo' : 'known')));
}

async function post(t: TestGateway, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await request(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  // Every header but the two that differ per response by design.
  const kept = Object.fromEntries(Object.entries(response.headers).filter(([name]) => name !== 'date' && name !== 'x-request-id'));
  return { status: response.statusCode, headers: kept, text: await response.body.text() };
}

describe('known operations (no caller authentication)', () => {
  let t: TestGateway;
  beforeEach(async () => {
    t = await startTestGateway({ LOG_LEVEL: 'info' });
  });
  afterEach(() => t.stop());

  it('answers a repeated operation without Apollo, byte for byte and header for header as Apollo did', async () => {
    const first = await post(t, READ_SEED);
    const second = await post(t, READ_SEED);
    const third = await post(t, READ_SEED, undefined, { accept: '*/*' });
    expect(await paths()).toEqual(['apollo', 'known', 'known']);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(JSON.parse(first.text).data.uploadSession.id).toBe(SEED.uploadSessionId);
  });

  it('formats errors the same way on both paths, and counts and logs both', async () => {
    const query = 'mutation Missing($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id status } }';
    const input = { ...SEED, uploadSessionId: '00000000-0000-4000-8000-000000000000' };
    const first = await post(t, query, { input });
    const second = await post(t, query, { input });
    expect(await paths()).toEqual(['apollo', 'known']);
    // Graph's ids differ per call; everything else is identical.
    const normalize = (text: string) => text.replace(/"(requestId|clientRequestId)":"[^"]+"/g, '"$1":"…"');
    expect(normalize(second.text)).toBe(normalize(first.text));
    expect([second.status, second.headers]).toEqual([first.status, first.headers]);
    expect(JSON.parse(first.text).errors[0].extensions.code).toBe('NOT_FOUND');

    const metrics = await (await request(new URL('/metrics', t.url))).body.text();
    expect(metrics).toContain('gateway_graphql_operations_total{operation="other",code="NOT_FOUND"} 2');
    const lines = t.logs.map((line) => JSON.parse(line) as { msg: string; code?: string; operation?: string }).filter((line) => line.msg === 'GraphQL operation');
    expect(lines.map((line) => [line.operation, line.code])).toEqual([
      ['Missing', 'NOT_FOUND'],
      ['Missing', 'NOT_FOUND'],
    ]);
  });

  it('leaves variables that do not coerce to Apollo, which answers as it did the first time', async () => {
    const query = 'mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id } }';
    await post(t, query, { input: SEED });
    const bad = await post(t, query, { input: { catalogId: SEED.catalogId } });
    expect(await paths()).toEqual(['apollo', 'apollo']);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(t.emulator.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('never learns a document Apollo refused, and leaves other media types and GET to Apollo', async () => {
    const invalid = `{ uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") { nope } }`;
    for (let i = 0; i < 2; i++) expect((await post(t, invalid)).status).toBe(400);
    await post(t, READ_SEED);
    const graphqlResponse = await postGraphQL(t.url, READ_SEED, undefined, { accept: 'application/graphql-response+json' });
    expect(graphqlResponse.headers['content-type']).toContain('application/graphql-response+json');
    const get = await request(`${t.url.href}?query=${encodeURIComponent(READ_SEED)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.statusCode).toBe(200);
    await get.body.text();
    // Only the JSON POSTs asked the known-operations path, and neither found a document.
    expect(await paths()).toEqual(['apollo', 'apollo', 'apollo']);
  });
});

describe('known operations with caller authentication', () => {
  const AUDIENCE = 'api://upload-gateway';
  let authority: FakeAuthority;
  let t: TestGateway;
  beforeAll(async () => {
    authority = await FakeAuthority.start();
    t = await startTestGateway({ AUTH_ISSUER: authority.issuer, AUTH_AUDIENCE: AUDIENCE, AUTH_JWKS_COOLDOWN_MS: '0' });
  });
  afterAll(async () => {
    await t.stop();
    await authority.close();
  });

  it('authenticates every caller before a learned document runs', async () => {
    const token = await authority.issue({ oid: 'aaaaaaaa-0000-4000-8000-000000000001', tid: TENANT_ID, azp: 'spa', aud: AUDIENCE });
    const authorized = { authorization: `Bearer ${token}` };
    expect((await post(t, READ_SEED, undefined, authorized)).status).toBe(200);
    expect((await post(t, READ_SEED, undefined, authorized)).status).toBe(200);
    t.emulator.requests.length = 0;

    const anonymous = await post(t, READ_SEED);
    const forged = await post(t, READ_SEED, undefined, { authorization: 'Bearer not-a-jwt' });
    for (const refused of [anonymous, forged]) {
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(await paths()).toEqual(['apollo', 'known']); // the refused requests never reached either path's execution
    expect(t.emulator.requests).toEqual([]);
    const metrics = await (await request(new URL('/metrics', t.url))).body.text();
    expect(metrics).toContain('gateway_graphql_operations_total{operation="caller-refused",code="UNAUTHENTICATED"} 2');
  });
});
