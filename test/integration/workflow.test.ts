import { randomUUID } from 'node:crypto';
import type { FaultSpec } from '../../src/emulator/server/faults';
import type { GraphVersion } from '../../src/graph/graph-paths';
import { postGraphQL, registerResource, SEED, startTestGateway, type TestGateway, scriptFault } from '../support/gateway';

/**
 * Over real HTTP: a frontend's whole session workflow (create, list, read, complete, delete)
 * through the gateway to the emulator, on both Graph versions the gateway speaks.
 */

const FAST_BACKOFF = { GRAPH_RETRY_BASE_MS: '5', GRAPH_RETRY_MAX_MS: '20' };
const SESSION = 'id catalogId resourceId status isUploadDone referenceId stats { filesUploaded totalBytesUploaded } reviewContext { kind reviewDefinitionId reviewInstanceId }';
// Without `files`: selecting them costs a Graph read of their own (Graph's current answers carry none inline).
const CREATE = `mutation Create($input: CreateUploadSessionInput!) { createUploadSession(input: $input) { ${SESSION} } }`;
const CREATE_WITH_FILES = `mutation Create($input: CreateUploadSessionInput!) { createUploadSession(input: $input) { ${SESSION} files { name } } }`;
const READ = `query Read($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!) {
  uploadSession(catalogId: $catalogId, resourceId: $resourceId, uploadSessionId: $uploadSessionId) { ${SESSION} } }`;
const COMPLETE = `mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id status isUploadDone } }`;
const DELETE = `mutation Delete($input: DeleteUploadSessionInput!) { deleteUploadSession(input: $input) { deletedUploadSessionId } }`;
const LIST = `query List($catalogId: ID!, $resourceId: ID!, $first: Int, $after: String, $filter: UploadSessionFilter) {
  uploadSessions(catalogId: $catalogId, resourceId: $resourceId, first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status referenceId } } } }`;

interface Page {
  totalCount: number | null;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string; status: string; referenceId: string | null } }[];
}

/** The path shape each version must put on the wire (graph-api.md, "Paths"). */
const COLLECTION_PATH: Record<GraphVersion, (catalogId: string, resourceId: string) => string> = {
  beta: (c, r) => `/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/${c}/accessPackageResources/${r}/uploadSessions`,
  'v1.0': (c, r) => `/v1.0/identityGovernance/entitlementManagement/catalogs/${c}/resources/${r}/uploadSessions`,
};

describe.each<GraphVersion>(['beta', 'v1.0'])('the upload-session workflow on Graph %s', (version) => {
  let t: TestGateway;
  /** A resource of its own per test, so the seed session never shows up in a list. */
  let resource: { catalogId: string; resourceId: string };

  beforeEach(async () => {
    t = await startTestGateway(FAST_BACKOFF, {}, { version });
    resource = await registerResource(t, { catalogId: SEED.catalogId, resourceId: randomUUID() });
  });

  afterEach(() => t.stop());

  const gql = (query: string, variables?: Record<string, unknown>) => postGraphQL(t.url, query, variables);
  const graphCalls = () => t.emulator.requests.map((r) => `${r.method} ${r.status}`);

  const fault = (spec: FaultSpec) => scriptFault(t, spec);

  async function create(reviewInstanceId: string = randomUUID()): Promise<{ id: string; referenceId: string }> {
    const { body } = await gql(CREATE, { input: { ...resource, reviewDefinitionId: randomUUID(), reviewInstanceId } });
    expect(body.errors).toBeUndefined();
    return body.data!.createUploadSession as { id: string; referenceId: string };
  }

  async function list(variables: Record<string, unknown>): Promise<Page> {
    const { body } = await gql(LIST, { ...resource, ...variables });
    expect(body.errors).toBeUndefined();
    return body.data!.uploadSessions as Page;
  }

  /** Follows endCursor from the first page to the last, as a frontend's "load more" does. */
  async function allPages(first: number, filter?: Record<string, unknown>): Promise<Page[]> {
    const pages = [await list({ first, filter })];
    while (pages.at(-1)!.pageInfo.hasNextPage) pages.push(await list({ first, filter, after: pages.at(-1)!.pageInfo.endCursor }));
    return pages;
  }

  const ids = (pages: Page[]) => pages.map((page) => page.edges.map((edge) => edge.node.id));

  it('creates, lists page by page, reads, completes and deletes, on this version’s paths', async () => {
    const reviewDefinitionId = randomUUID();
    const reviewInstanceId = randomUUID();
    const { body } = await gql(CREATE_WITH_FILES, { input: { ...resource, reviewDefinitionId, reviewInstanceId } });
    expect(body.errors).toBeUndefined();
    const first = body.data!.createUploadSession as { id: string };
    expect(first).toEqual({
      id: expect.any(String),
      ...resource,
      status: 'ACTIVE',
      isUploadDone: false,
      referenceId: reviewInstanceId,
      stats: { filesUploaded: 0, totalBytesUploaded: 0 },
      reviewContext: { kind: 'ACCESS_REVIEW', reviewDefinitionId, reviewInstanceId },
      files: [],
    });
    const second = await create();
    const third = await create();
    const newestFirst = [third.id, second.id, first.id];

    const byOne = await allPages(1);
    expect(ids(byOne)).toEqual(newestFirst.map((id) => [id]));
    expect(byOne.map((page) => page.totalCount)).toEqual([3, 3, 3]);
    expect(byOne.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, false]);
    const byTwo = await allPages(2);
    expect(ids(byTwo)).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2)]);
    // An edge's own cursor starts the page right after it.
    const afterEdge = await list({ first: 2, after: byTwo[0]!.edges[0]!.cursor });
    expect(afterEdge.edges.map((edge) => edge.node.id)).toEqual(newestFirst.slice(1));

    const read = await gql(READ, { ...resource, uploadSessionId: second.id });
    expect(read.body.data?.uploadSession).toMatchObject({ id: second.id, status: 'ACTIVE', referenceId: second.referenceId });

    const completed = await gql(COMPLETE, { input: { ...resource, uploadSessionId: first.id } });
    expect(completed.body.data?.completeUploadSession).toEqual({ id: first.id, status: 'COMPLETE', isUploadDone: true });

    const complete = await allPages(1, { status: 'COMPLETE' });
    expect(ids(complete)).toEqual([[first.id]]);
    expect(complete[0]!.totalCount).toBe(1);
    const active = await allPages(1, { status: 'ACTIVE' });
    expect(ids(active)).toEqual([[third.id], [second.id]]);
    expect(active.map((page) => page.totalCount)).toEqual([2, 2]);
    const byReference = await list({ first: 10, filter: { referenceId: second.referenceId } });
    expect(byReference.edges.map((edge) => edge.node.id)).toEqual([second.id]);
    expect(byReference.totalCount).toBe(1);
    expect(byReference.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });

    const deleted = await gql(DELETE, { input: { ...resource, uploadSessionId: third.id } });
    expect(deleted.body).toEqual({ data: { deleteUploadSession: { deletedUploadSessionId: third.id } } });
    expect(ids(await allPages(5))).toEqual([[second.id, first.id]]);

    const collection = COLLECTION_PATH[version](resource.catalogId, resource.resourceId);
    expect(t.emulator.requests.length).toBeGreaterThan(10);
    for (const { path } of t.emulator.requests) expect(path.startsWith(collection)).toBe(true);
    expect(t.emulator.requests.map((r) => `${r.method} ${r.path.slice(collection.length)}`)).toEqual(
      expect.arrayContaining(['POST ', 'GET ', `GET /${second.id}`, `PATCH /${first.id}`, `DELETE /${third.id}`]),
    );
  });

  it('resolves a create whose answer was lost by looking it up: one session, and a success', async () => {
    await fault({ method: 'POST', path: '/uploadSessions', reset: 'after', times: 1 });
    const reviewInstanceId = randomUUID();
    const created = await create(reviewInstanceId);
    const stored = t.emulator.store.list(resource.catalogId, resource.resourceId);
    expect(stored.map((session) => session.key.uploadSessionId)).toEqual([created.id]);
    expect(created.referenceId).toBe(reviewInstanceId);
    // The lost POST, then a lookup by referenceId; never a second POST.
    expect(graphCalls()).toEqual(['POST 0', 'GET 200']);
    expect(decodeURIComponent(t.emulator.requests[1]!.query)).toContain(`referenceId eq '${reviewInstanceId}'`);
  });

  it('deletes twice, both times with success', async () => {
    const { id } = await create();
    const input = { ...resource, uploadSessionId: id };
    const once = await gql(DELETE, { input });
    const twice = await gql(DELETE, { input });
    expect(once.body).toEqual({ data: { deleteUploadSession: { deletedUploadSessionId: id } } });
    expect(twice.body).toEqual(once.body);
    expect(graphCalls()).toEqual(['POST 201', 'DELETE 204', 'DELETE 404']);
  });

  it('refuses a create in a pair whose session is complete: CONFLICT naming it', async () => {
    const reviewInstanceId = randomUUID();
    const { id } = await create(reviewInstanceId);
    expect((await gql(COMPLETE, { input: { ...resource, uploadSessionId: id } })).body.errors).toBeUndefined();
    const { body } = await gql(CREATE, { input: { ...resource, reviewDefinitionId: randomUUID(), reviewInstanceId } });
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', existingUploadSessionId: id, graph: { status: 409, code: 'uploadSessionAlreadyCompleted' } });
    expect(body.errors?.[0]?.message).toBe(`The upload session ${id} of this review instance and resource is already completed: no other can be created for them.`);
    expect(t.emulator.store.list(resource.catalogId, resource.resourceId)).toHaveLength(1);
  });

  it('refuses a create while the pair has an active session: CONFLICT naming it', async () => {
    const reviewInstanceId = randomUUID();
    const { id } = await create(reviewInstanceId);
    const { body } = await gql(CREATE, { input: { ...resource, reviewDefinitionId: randomUUID(), reviewInstanceId } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', existingUploadSessionId: id, graph: { status: 409, code: 'uploadSessionAlreadyExists' } });
    expect(body.errors?.[0]?.message).toBe(`The review instance already has an upload session for this resource (${id}): upload to it, or delete it to start again.`);
    expect(t.emulator.store.list(resource.catalogId, resource.resourceId)).toHaveLength(1);
  });

  it.each([
    ['GET', 403, 'FORBIDDEN'],
    ['POST', 403, 'FORBIDDEN'],
    ['POST', 404, 'NOT_FOUND'],
    ['DELETE', 409, 'CONFLICT'],
    ['DELETE', 403, 'FORBIDDEN'],
  ])('maps Graph %s %i to %s', async (method, status, code) => {
    const { id } = await create();
    await fault({ method, status });
    const operations: Record<string, () => ReturnType<typeof gql>> = {
      GET: () => gql(LIST, { ...resource, first: 5 }),
      POST: () => gql(CREATE, { input: { ...resource, reviewDefinitionId: randomUUID(), reviewInstanceId: randomUUID() } }),
      DELETE: () => gql(DELETE, { input: { ...resource, uploadSessionId: id } }),
    };
    const { body } = await operations[method]!();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code, graph: { status } });
    expect(t.emulator.store.list(resource.catalogId, resource.resourceId).map((session) => session.key.uploadSessionId)).toEqual([id]);
  });

  it('refuses to delete a completed session with CONFLICT (the emulator’s 409)', async () => {
    const { id } = await create();
    await gql(COMPLETE, { input: { ...resource, uploadSessionId: id } });
    const { body } = await gql(DELETE, { input: { ...resource, uploadSessionId: id } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', graph: { status: 409, code: 'uploadSessionAlreadyCompleted' } });
    expect(body.errors?.[0]?.message).toBe('The upload session is already completed: it takes no more files and cannot be deleted.');
  });

  describe('cursors', () => {
    /** An endCursor that carries Graph's nextLink, and its decoded JSON. */
    async function linkCursor(): Promise<{ cursor: string; json: { s: number; n: string; b: string } }> {
      await create();
      await create();
      await create();
      const page = await list({ first: 1 });
      const cursor = page.pageInfo.endCursor!;
      const json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      expect(json.n).toEqual(expect.stringContaining(COLLECTION_PATH[version](resource.catalogId, resource.resourceId)));
      return { cursor, json };
    }

    const encode = (json: object) => Buffer.from(JSON.stringify(json)).toString('base64url');

    async function expectRefused(after: string, filter?: Record<string, unknown>): Promise<void> {
      const before = t.emulator.requests.length;
      const { body } = await gql(LIST, { ...resource, first: 1, after, filter });
      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', invalidArguments: ['after'] });
      expect(t.emulator.requests.length).toBe(before);
    }

    it('follows an untouched cursor (so a refusal below is the tampering’s doing)', async () => {
      const { cursor } = await linkCursor();
      const next = await list({ first: 1, after: cursor });
      expect(next.edges).toHaveLength(1);
    });

    it.each([
      ['another host', (link: URL) => void (link.host = 'graph.attacker.example')],
      ['another port on the same host', (link: URL) => void (link.port = String(Number(link.port) + 1))],
      ['another resource', (link: URL) => void (link.pathname = link.pathname.replace(/[^/]+\/uploadSessions$/, `${randomUUID()}/uploadSessions`))],
      ['another collection', (link: URL) => void (link.pathname = link.pathname.replace(/\/uploadSessions$/, `/uploadSessions/${SEED.uploadSessionId}/files`))],
      ['a filter of its own', (link: URL) => link.searchParams.set('$filter', "status eq 'complete'")],
      ['a query parameter beyond paging', (link: URL) => link.searchParams.set('$expand', 'files')],
    ])('refuses a cursor whose Graph link was changed to %s, before any Graph call', async (_name, tamper) => {
      const { json } = await linkCursor();
      const link = new URL(json.n);
      tamper(link);
      expect(link.href).not.toBe(json.n);
      await expectRefused(encode({ ...json, n: link.href }));
    });

    it('refuses a cursor used under another filter or for another resource', async () => {
      const { cursor } = await linkCursor();
      await expectRefused(cursor, { status: 'ACTIVE' });
      const before = t.emulator.requests.length;
      const { body } = await gql(LIST, { catalogId: resource.catalogId, resourceId: randomUUID(), first: 1, after: cursor });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', invalidArguments: ['after'] });
      expect(t.emulator.requests.length).toBe(before);
    });

    it.each([
      ['not base64url', 'not a cursor!'],
      ['empty', ''],
      ['not JSON', Buffer.from('hello').toString('base64url')],
      ['JSON of the wrong shape', Buffer.from('{"s":-1,"b":"x"}').toString('base64url')],
      ['too long', 'A'.repeat(5000)],
    ])('refuses a malformed cursor (%s) with BAD_USER_INPUT', async (_name, after) => {
      await expectRefused(after);
    });
  });

  it.each([0, 101, -1])('refuses first: %i with BAD_USER_INPUT before any Graph call', async (first) => {
    const { body } = await gql(LIST, { ...resource, first });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', invalidArguments: ['first'] });
    expect(t.emulator.requests).toEqual([]);
  });

  it.each([
    ['uploadSessions', 'catalogId', () => gql(LIST, { ...resource, catalogId: 'not-a-guid', first: 1 })],
    ['uploadSessions', 'resourceId', () => gql(LIST, { ...resource, resourceId: '../../users', first: 1 })],
    ['createUploadSession', 'reviewInstanceId', () => gql(CREATE, { input: { ...resource, reviewDefinitionId: randomUUID(), reviewInstanceId: 'x' } })],
    ['createUploadSession', 'reviewDefinitionId', () => gql(CREATE, { input: { ...resource, reviewDefinitionId: '', reviewInstanceId: randomUUID() } })],
    ['createUploadSession', 'catalogId', () => gql(CREATE, { input: { ...resource, catalogId: '%2e%2e', reviewDefinitionId: randomUUID(), reviewInstanceId: randomUUID() } })],
    ['deleteUploadSession', 'uploadSessionId', () => gql(DELETE, { input: { ...resource, uploadSessionId: `${SEED.uploadSessionId}/files` } })],
  ])('%s refuses a non-GUID %s with BAD_USER_INPUT before any Graph call', async (_field, argument, send) => {
    const { body } = await send();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', invalidArguments: [argument] });
    expect(t.emulator.requests).toEqual([]);
  });

  describe.each([
    ['429 with Retry-After', { status: 429, retryAfter: '0.01' }],
    ['503', { status: 503 }],
  ])('a %s once', (_name, spec) => {
    it('on create is retried and succeeds, with one session', async () => {
      await fault({ method: 'POST', ...spec, times: 1 });
      const { id } = await create();
      expect(graphCalls()).toEqual([`POST ${spec.status}`, 'POST 201']);
      expect(t.emulator.store.list(resource.catalogId, resource.resourceId).map((session) => session.key.uploadSessionId)).toEqual([id]);
    });

    it('on list is retried and succeeds', async () => {
      const { id } = await create();
      await fault({ method: 'GET', ...spec, times: 1 });
      expect(ids([await list({ first: 5 })])).toEqual([[id]]);
      expect(graphCalls()).toEqual(['POST 201', `GET ${spec.status}`, 'GET 200']);
    });

    it('on delete is retried and succeeds', async () => {
      const { id } = await create();
      await fault({ method: 'DELETE', ...spec, times: 1 });
      const { body } = await gql(DELETE, { input: { ...resource, uploadSessionId: id } });
      expect(body).toEqual({ data: { deleteUploadSession: { deletedUploadSessionId: id } } });
      expect(graphCalls()).toEqual(['POST 201', `DELETE ${spec.status}`, 'DELETE 204']);
      expect(t.emulator.store.list(resource.catalogId, resource.resourceId)).toEqual([]);
    });
  });

  it('refuses a list whose files could cost more Graph calls than the limit, and allows a smaller page', async () => {
    const query = (first: number) => `{ uploadSessions(catalogId: "${resource.catalogId}", resourceId: "${resource.resourceId}", first: ${first}) { edges { node { files { name } } } } }`;
    const refused = await gql(query(20));
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('21 times; the limit is 10'),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(t.emulator.requests).toEqual([]);

    const { id } = await create();
    const allowed = await gql(query(5));
    expect(allowed.body).toEqual({ data: { uploadSessions: { edges: [{ node: { files: [] } }] } } });
    expect(t.emulator.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET']);
    expect(t.emulator.requests[2]!.path).toContain(id);
  });
});
