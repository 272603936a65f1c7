import { COMPLETE_SEED, postGraphQL, SEED, startTestGateway, type TestGateway } from '../support/gateway';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SESSION_FIELDS = 'id catalogId resourceId status isUploadDone referenceId stats { filesUploaded totalBytesUploaded } createdDateTime expirationDateTime';
const COMPLETE = `mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { ${SESSION_FIELDS} } }`;
const COMPLETE_WITH_FILES = `mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { ${SESSION_FIELDS} files { id name size uploadedDateTime } } }`;
const READ = `query Read($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!) {
  uploadSession(catalogId: $catalogId, resourceId: $resourceId, uploadSessionId: $uploadSessionId) { ${SESSION_FIELDS} files { name size } } }`;

let t: TestGateway;

beforeEach(async () => {
  t = await startTestGateway();
});

afterEach(async () => {
  await t.stop();
});

describe('completeUploadSession over real HTTP, gateway → emulator', () => {
  it('completes the seed session and returns it with its files', async () => {
    const { status, body } = await postGraphQL(t.url, COMPLETE_SEED);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      completeUploadSession: {
        id: SEED.uploadSessionId,
        status: 'COMPLETE',
        isUploadDone: true,
        stats: { filesUploaded: 1, totalBytesUploaded: 2000000 },
        files: [{ name: 'building-a-access.csv', size: 2000000, uploadedDateTime: expect.any(String) }],
      },
    });
    expect(t.emulator.store.get(SEED)?.isUploadDone).toBe(true);
    // Graph's current shape has no files inline: they were fetched because the operation selected them.
    expect(t.emulator.requests.map((r) => `${r.method} ${r.query}`)).toEqual(['PATCH ', 'GET ?$expand=files']);
    expect(t.emulator.requests.every((r) => GUID.test(r.clientRequestId ?? ''))).toBe(true);
    expect(new Set(t.emulator.requests.map((r) => r.clientRequestId)).size).toBe(2);
  });

  it('does not fetch files when the operation does not select them', async () => {
    const { body } = await postGraphQL(t.url, COMPLETE, { input: SEED });
    expect(body.data?.completeUploadSession).toMatchObject({ id: SEED.uploadSessionId, catalogId: SEED.catalogId, resourceId: SEED.resourceId, status: 'COMPLETE' });
    expect(t.emulator.requests.map((r) => r.method)).toEqual(['PATCH']);
  });

  it('uses files sent inline (the older answer shape) without another call', async () => {
    const legacy = t.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId, shape: 'legacy', files: [{ name: 'a.csv', size: 10 }] });
    const { body } = await postGraphQL(t.url, COMPLETE_WITH_FILES, { input: legacy.key });
    expect(body.data?.completeUploadSession).toMatchObject({
      status: 'COMPLETE',
      files: [{ id: null, name: 'a.csv', size: 10 }],
      expirationDateTime: expect.any(String),
    });
    expect(t.emulator.requests.map((r) => r.method)).toEqual(['PATCH']);
  });

  it('carries byte counts beyond GraphQL Int exactly', async () => {
    const big = t.emulator.store.add({
      catalogId: SEED.catalogId,
      resourceId: SEED.resourceId,
      files: [{ name: 'huge.csv', size: 5_000_000_000 }, { name: 'huger.csv', size: 2 ** 42 }],
    });
    const { body } = await postGraphQL(t.url, COMPLETE_WITH_FILES, { input: big.key });
    expect(body.errors).toBeUndefined();
    expect(body.data?.completeUploadSession).toMatchObject({
      stats: { filesUploaded: 2, totalBytesUploaded: 5_000_000_000 + 2 ** 42 },
      files: [{ size: 5_000_000_000 }, { size: 2 ** 42 }],
    });
  });

  it('is safe to send twice: the second call succeeds and nothing changes again', async () => {
    const first = await postGraphQL(t.url, COMPLETE, { input: SEED });
    const second = await postGraphQL(t.url, COMPLETE, { input: SEED });
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data).toEqual(first.body.data);
    expect(t.emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200', 'PATCH 409', 'GET 200']);
  });

  it('answers NOT_FOUND with Graph facts when the session does not exist', async () => {
    const input = { ...SEED, uploadSessionId: '00000000-0000-4000-8000-000000000000' };
    const { status, body } = await postGraphQL(t.url, COMPLETE, { input });
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    const [error] = body.errors!;
    const [request] = t.emulator.requests;
    expect(error!.extensions).toEqual({
      code: 'NOT_FOUND',
      graph: { status: 404, code: 'ResourceNotFound', requestId: expect.stringMatching(GUID), clientRequestId: request!.clientRequestId },
    });
  });

  it('answers CONFLICT for an expired session and leaves it untouched', async () => {
    const expired = t.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId, createdDateTime: '2024-03-06T01:35:12.123Z' });
    const { body } = await postGraphQL(t.url, COMPLETE, { input: expired.key });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', graph: { status: 409, code: 'uploadSessionExpired' } });
    expect(body.errors?.[0]?.message).toBe('The upload session has expired: it takes no more files and cannot be completed.');
    expect(t.emulator.store.get(expired.key)).toMatchObject({ status: 'expired', isUploadDone: false });
  });

  it.each([
    ['a path traversal', '../../users'],
    ['an encoded slash', '23f27c15%2F72f9-45fe-9e9c-e3d8f75bdc44'],
    ['an empty id', ''],
  ])('refuses %s with BAD_USER_INPUT before calling Graph', async (_name, id) => {
    const { body } = await postGraphQL(t.url, COMPLETE, { input: { ...SEED, catalogId: id } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', invalidArguments: ['catalogId'] });
    expect(t.emulator.requests).toEqual([]);
  });
});

describe('uploadSession query', () => {
  it('reads a session, fetching files when selected', async () => {
    const { body } = await postGraphQL(t.url, READ, SEED);
    expect(body.data?.uploadSession).toMatchObject({ id: SEED.uploadSessionId, status: 'ACTIVE', isUploadDone: false, files: [{ name: 'building-a-access.csv', size: 2000000 }] });
    expect(t.emulator.requests.map((r) => `${r.method} ${r.query}`)).toEqual(['GET ', 'GET ?$expand=files']);
  });

  it('answers null, without an error, when Graph answers 404', async () => {
    const { body } = await postGraphQL(t.url, READ, { ...SEED, uploadSessionId: '00000000-0000-4000-8000-000000000000' });
    expect(body).toEqual({ data: { uploadSession: null } });
  });
});
