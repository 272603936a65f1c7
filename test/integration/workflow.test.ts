import { randomUUID } from 'node:crypto';
import type { GraphVersion } from '../../src/graph/graph-paths';
import type { TestGateway } from '../support/gateway';
import { COLLECTION_PATH, COMPLETE, CREATE, CREATE_WITH_FILES, DELETE, LIST, READ, startWorkflow, workflowHelpers, type Workflow } from '../support/workflow';

/**
 * Over real HTTP: a frontend's whole session workflow (create, list, read, complete, delete)
 * through the gateway to the emulator, on both Graph versions the gateway speaks; Graph's refusals and retries.
 * (What the gateway refuses before calling Graph: workflow-refusals.test.ts.)
 */

describe.each<GraphVersion>(['beta', 'v1.0'])('the upload-session workflow on Graph %s', (version) => {
  let t: TestGateway;
  let resource: Workflow['resource'];

  beforeEach(async () => {
    ({ t, resource } = await startWorkflow(version));
  });

  afterEach(() => t.stop());

  const { gql, graphCalls, fault, create, list, allPages, ids } = workflowHelpers(() => ({ t, resource }));

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
});
