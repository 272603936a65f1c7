import { randomUUID } from 'node:crypto';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { SEED_SESSION_KEY } from '../../src/emulator/control/seed';
import { call, createBody, newResource, sessionsUrl, type PathShape } from './emulator-http';

const ACCESS_REVIEW_SESSION = '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession';

let emulator: Emulator;
let origin: string;
beforeAll(async () => {
  emulator = createEmulator();
  origin = (await emulator.listen(0, '127.0.0.1')).origin;
});
afterAll(() => emulator.close());

/** A catalog and resource of their own for each test (registered), so tests do not see each other's sessions. */
async function freshResource(shape: PathShape = 'beta-seed'): Promise<string> {
  const { catalogId, resourceId } = await newResource(origin);
  return sessionsUrl(origin, shape, catalogId, resourceId);
}

async function create(collection: string, reviewInstanceId = randomUUID()) {
  const reply = await call('POST', collection, { json: createBody(reviewInstanceId) });
  expect(reply.status).toBe(201);
  return reply.json as { id: string; referenceId: string; createdDateTime: string };
}

describe('create', () => {
  it('answers 201 with the session for the review instance, data echoed, stats zero, files empty', async () => {
    const collection = await freshResource();
    const body = createBody();
    const reply = await call('POST', collection, { json: body });
    expect(reply.status).toBe(201);
    expect(reply.json).toEqual({
      '@odata.context': expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/beta\/\$metadata#.*\/uploadSessions\/\$entity$/),
      '@odata.type': ACCESS_REVIEW_SESSION,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdDateTime: expect.any(String),
      isUploadDone: false,
      referenceId: (body.data as { reviewInstanceId: string }).reviewInstanceId,
      status: 'active',
      stats: { filesUploaded: 0, totalBytesUploaded: 0 },
      data: body.data,
      files: [],
    });
  });

  it('accepts applyDecisionContextData', async () => {
    const reply = await call('POST', (await freshResource()), { json: createBody(randomUUID(), 'applyDecisionContextData') });
    expect(reply.status).toBe(201);
    expect((reply.json.data as Record<string, unknown>)['@odata.type']).toBe('#microsoft.graph.customDataProvidedResourcePayloads.applyDecisionContextData');
  });

  it.each([
    ['another session type', { ...createBody(), '@odata.type': '#microsoft.graph.customDataProvidedResourceUploadSession' }],
    ['no data', { '@odata.type': ACCESS_REVIEW_SESSION }],
    ['another payload type', { ...createBody(), data: { ...(createBody().data as object), '@odata.type': '#microsoft.graph.other' } }],
    ['a reviewInstanceId that is not a GUID', { ...createBody(), data: { ...(createBody().data as object), reviewInstanceId: 'nope' } }],
    ['an unknown property', { ...createBody(), isUploadDone: true }],
  ])('refuses %s with 400 in Graph envelope', async (_name, json) => {
    const collection = await freshResource();
    const reply = await call('POST', collection, { json });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatchObject({ code: 'BadRequest', message: expect.any(String), innerError: { 'request-id': expect.any(String) } });
    expect((await call('GET', collection)).json.value).toEqual([]);
  });

  it('allows one session per review instance and resource: 409 while active, 409 once complete, none blocking when expired', async () => {
    const collection = await freshResource();
    const reviewInstanceId = randomUUID();
    const first = await create(collection, reviewInstanceId);
    expect(await call('POST', collection, { json: createBody(reviewInstanceId) })).toMatchObject({ status: 409, json: { error: { code: 'uploadSessionAlreadyExists' } } });
    // the pair is the resource, whatever path shape names it
    const resourceId = collection.split('/').at(-2)!;
    const elsewhere = sessionsUrl(origin, 'v1.0-resource', '', resourceId);
    expect((await call('POST', elsewhere, { json: createBody(reviewInstanceId) })).status).toBe(409);

    expect((await call('PATCH', `${collection}/${first.id}`, { json: { isUploadDone: true } })).status).toBe(200);
    expect(await call('POST', collection, { json: createBody(reviewInstanceId) })).toMatchObject({ status: 409, json: { error: { code: 'uploadSessionAlreadyCompleted' } } });
    expect((await call('POST', collection, { json: createBody() })).status).toBe(201); // another review instance

    const other = randomUUID();
    const [catalogId, resource] = [collection.split('/').at(-4)!, resourceId];
    emulator.store.add({ catalogId, resourceId: resource, referenceId: other, createdDateTime: '2024-03-06T01:35:12.123Z' });
    expect((await call('POST', collection, { json: createBody(other) })).status).toBe(201);
  });

  it('can start again after deleting an active session', async () => {
    const collection = await freshResource();
    const reviewInstanceId = randomUUID();
    const first = await create(collection, reviewInstanceId);
    expect((await call('DELETE', `${collection}/${first.id}`)).status).toBe(204);
    expect((await create(collection, reviewInstanceId)).id).not.toBe(first.id);
  });
});

describe('list', () => {
  it('pages with $top and a nextLink on its own origin that a client follows to the end, count and filter kept', async () => {
    const collection = await freshResource();
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await create(collection)).id);
    const seen: string[] = [];
    let next: string | undefined = `${collection}?$top=2&$count=true&$filter=status eq 'active'`;
    let pages = 0;
    while (next) {
      const reply = await call('GET', next);
      expect(reply.status).toBe(200);
      expect(reply.json['@odata.count']).toBe(5);
      expect(reply.json['@odata.context']).toMatch(/\/beta\/\$metadata#.*\/uploadSessions$/);
      seen.push(...reply.json.value!.map((session) => session.id as string));
      next = reply.json['@odata.nextLink'] as string | undefined;
      if (next) {
        expect(new URL(next).origin).toBe(origin);
        expect(new URL(next).searchParams.get('$skiptoken')).toBeTruthy();
        expect(new URL(next).searchParams.get('$filter')).toBe("status eq 'active'");
      }
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(created);
  });

  it('orders by createdDateTime desc and honours $skip', async () => {
    const collection = await freshResource();
    const created = [];
    for (let i = 0; i < 3; i++) created.push((await create(collection)).id);
    const desc = await call('GET', `${collection}?$orderby=createdDateTime desc`);
    expect(desc.json.value!.map((s) => s.id)).toEqual([...created].reverse());
    const skipped = await call('GET', `${collection}?$skip=1&$top=1`);
    expect(skipped.json.value!.map((s) => s.id)).toEqual([created[1]]);
    expect(skipped.json['@odata.nextLink']).toBeDefined();
  });

  it('filters on status and referenceId, joined by and', async () => {
    const collection = await freshResource();
    const [a, b] = [await create(collection), await create(collection)];
    await call('PATCH', `${collection}/${b.id}`, { json: { isUploadDone: true } });
    const ids = async (filter: string) => (await call('GET', `${collection}?$filter=${encodeURIComponent(filter)}`)).json.value!.map((s) => s.id);
    expect(await ids("status eq 'active'")).toEqual([a.id]);
    expect(await ids("status eq 'complete'")).toEqual([b.id]);
    expect(await ids("status eq 'expired'")).toEqual([]);
    expect(await ids(`referenceId eq '${b.referenceId.toUpperCase()}'`)).toEqual([b.id]);
    expect(await ids(`referenceId eq '${a.referenceId}' and status eq 'active'`)).toEqual([a.id]);
    expect(await ids(`referenceId eq '${a.referenceId}' and status eq 'complete'`)).toEqual([]);
  });

  it.each([
    ['$filter', "status eq 'done'"],
    ['$filter', "status ne 'active'"],
    ['$filter', "status eq 'active' or status eq 'complete'"],
    ['$filter', 'isUploadDone eq true'],
    ['$top', '0'],
    ['$top', '1000'],
    ['$top', 'ten'],
    ['$skip', '-1'],
    ['$count', 'yes'],
    ['$orderby', 'stats'],
    ['$orderby', 'nope desc'],
    ['$select', 'nope'],
    ['$expand', 'stats'],
    ['$expand', 'files($filter=size gt 1)'],
    ['$skiptoken', 'garbage'],
    ['$search', 'anything'],
    ['$apply', 'groupby((status))'],
    ['$format', 'json'],
  ])('refuses %s=%s with 400 BadRequest', async (option, value) => {
    const reply = await call('GET', `${(await freshResource())}?${option}=${encodeURIComponent(value)}`);
    expect(reply.status).toBe(400);
    expect(reply.json.error?.code).toBe('BadRequest');
    if (option === '$filter') expect(reply.json.error?.message).toBe('Invalid filter clause');
  });

  it('honours $select (id always kept) and $expand=files', async () => {
    const collection = await freshResource();
    await create(collection);
    const selected = await call('GET', `${collection}?$select=status,referenceId`);
    expect(Object.keys(selected.json.value![0]!).sort()).toEqual(['@odata.type', 'id', 'referenceId', 'status']);
    const expanded = await call('GET', `${collection}?$expand=files`);
    expect(expanded.json.value![0]!.files).toEqual([]);
    expect((await call('GET', collection)).json.value![0]).not.toHaveProperty('files');
  });

  it('counts with /$count as plain text, filter applied', async () => {
    const collection = await freshResource();
    await create(collection);
    const b = await create(collection);
    await call('PATCH', `${collection}/${b.id}`, { json: { isUploadDone: true } });
    const all = await call('GET', `${collection}/$count`);
    expect(all).toMatchObject({ status: 200, text: '2' });
    expect(all.headers['content-type']).toMatch(/^text\/plain/);
    expect((await call('GET', `${collection}/$count?$filter=status eq 'complete'`)).text).toBe('1');
  });
});

describe('get, delete and files', () => {
  it('gets a session with $select and $expand=files, @odata.context on the answer', async () => {
    const collection = await freshResource();
    const { id } = await create(collection);
    const reply = await call('GET', `${collection}/${id}?$select=status&$expand=files`);
    expect(reply.json).toEqual({ '@odata.context': expect.stringContaining('$entity'), '@odata.type': ACCESS_REVIEW_SESSION, id, status: 'active', files: [] });
  });

  it('deletes: 204, then 404; a completed session cannot be deleted (409); an expired one can', async () => {
    const collection = await freshResource();
    const { id } = await create(collection);
    expect((await call('DELETE', `${collection}/${id}`)).status).toBe(204);
    expect((await call('DELETE', `${collection}/${id}`)).json.error?.code).toBe('ResourceNotFound');
    expect((await call('GET', `${collection}/${id}`)).status).toBe(404);

    const done = await create(collection);
    await call('PATCH', `${collection}/${done.id}`, { json: { isUploadDone: true } });
    expect(await call('DELETE', `${collection}/${done.id}`)).toMatchObject({ status: 409, json: { error: { code: 'uploadSessionAlreadyCompleted' } } });

    const [catalogId, resourceId] = [collection.split('/').at(-4)!, collection.split('/').at(-2)!];
    const expired = emulator.store.add({ catalogId, resourceId, createdDateTime: '2024-03-06T01:35:12.123Z' });
    expect((await call('DELETE', `${collection}/${expired.key.uploadSessionId}`)).status).toBe(204);
  });

  it('lists the files and gets one by id', async () => {
    const files = await call('GET', `${sessionsUrl(origin, 'beta-seed', SEED_SESSION_KEY.catalogId, SEED_SESSION_KEY.resourceId)}/${SEED_SESSION_KEY.uploadSessionId}/files`);
    expect(files.json.value).toEqual([{ id: expect.any(String), name: 'building-a-access.csv', size: 2_000_000, uploadedDateTime: expect.any(String) }]);
    const fileId = files.json.value![0]!.id as string;
    const one = await call('GET', `${sessionsUrl(origin, 'v1.0', SEED_SESSION_KEY.catalogId, SEED_SESSION_KEY.resourceId)}/${SEED_SESSION_KEY.uploadSessionId}/files/${fileId}`);
    expect(one.json).toMatchObject({ id: fileId, name: 'building-a-access.csv', size: 2_000_000 });
    const missing = await call('GET', `${sessionsUrl(origin, 'v1.0', SEED_SESSION_KEY.catalogId, SEED_SESSION_KEY.resourceId)}/${SEED_SESSION_KEY.uploadSessionId}/files/${randomUUID()}`);
    expect(missing.status).toBe(404);
  });

  it('refuses ids that are not GUIDs with 400, wrong methods with 405', async () => {
    expect((await call('GET', `${(await freshResource())}/not-a-guid`)).status).toBe(400);
    expect((await call('GET', sessionsUrl(origin, 'v1.0', 'catalog', randomUUID()))).status).toBe(400);
    expect((await call('GET', `${(await freshResource())}/${randomUUID()}/files/nope`)).status).toBe(400);
    expect((await call('PUT', `${(await freshResource())}/${randomUUID()}`, { json: {} })).status).toBe(405);
    expect((await call('DELETE', (await freshResource()))).status).toBe(405);
  });
});
