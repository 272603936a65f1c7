import { randomUUID } from 'node:crypto';
import type { GraphVersion } from '../../src/graph/graph-paths';
import { SEED, type TestGateway } from '../support/gateway';
import { COLLECTION_PATH, CREATE, DELETE, LIST, startWorkflow, workflowHelpers, type Workflow } from '../support/workflow';

/** Over real HTTP: what the upload-session workflow refuses before any Graph call (cursors, page sizes, ids, the Graph-call limit). */

describe.each<GraphVersion>(['beta', 'v1.0'])('the upload-session workflow on Graph %s', (version) => {
  let t: TestGateway;
  let resource: Workflow['resource'];

  beforeEach(async () => {
    ({ t, resource } = await startWorkflow(version));
  });

  afterEach(() => t.stop());

  const { gql, create, list } = workflowHelpers(() => ({ t, resource }));

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
