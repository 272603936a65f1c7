import { randomUUID } from 'node:crypto';
import { SEED_SESSION_KEY } from '../../src/emulator/control/seed';
import { call, createBody, emulatorForTests, newResource, PATH_SHAPES, sessionsUrl } from './emulator-http';

/** Which path shapes each version serves (those Microsoft's SDKs build), and which catalogs and resources exist. */

const running = emulatorForTests();

async function create(collection: string) {
  const reply = await call('POST', collection, { json: createBody() });
  expect(reply.status).toBe(201);
  return reply.json as { id: string };
}

describe('path shapes', () => {
  it.each(PATH_SHAPES)('a session created on the %s path is the same session on every shape of both versions', async (shape) => {
    const { catalogId, resourceId } = await newResource(running.origin);
    const { id } = await create(sessionsUrl(running.origin, shape, catalogId, resourceId));
    for (const other of PATH_SHAPES) {
      const reply = await call('GET', `${sessionsUrl(running.origin, other, catalogId, resourceId)}/${id}`);
      expect(reply).toMatchObject({ status: 200, json: { id } });
      expect(reply.json['@odata.context']).toContain(other.startsWith('v1.0') ? '/v1.0/$metadata#' : '/beta/$metadata#');
      expect((await call('GET', `${sessionsUrl(running.origin, other, catalogId, resourceId)}/$count`)).text).toBe('1');
    }
  });

  it.each([
    ['v1.0', 'entitlementManagement/accessPackageCatalogs/{c}/accessPackageResources/{r}', 'accessPackageCatalogs'],
    ['v1.0', 'catalogs/{c}/accessPackageResources/{r}', 'accessPackageResources'],
    ['v1.0', 'entitlementManagement/accessPackageResources/{r}', 'accessPackageResources'],
    ['beta', 'entitlementManagement/catalogs/{c}/resources/{r}', 'catalogs'],
    ['beta', 'catalogs/{c}/resources/{r}', 'resources'],
    ['beta', 'entitlementManagement/resources/{r}', 'resources'],
    ['v2.0', 'entitlementManagement/catalogs/{c}/resources/{r}', 'v2.0'],
  ])('refuses %s + %s (no SDK builds it) with 400, as Graph does', async (version, shape, segment) => {
    const { catalogId, resourceId } = SEED_SESSION_KEY;
    const path = shape.replace('{c}', catalogId).replace('{r}', resourceId);
    const reply = await call('GET', `${running.origin}/${version}/identityGovernance/${path}/uploadSessions`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatchObject({ code: 'BadRequest', message: `Resource not found for the segment '${segment}'.` });
  });

  it('answers 404 for a catalog or resource it does not know, or a resource under another catalog, on every operation', async () => {
    const { catalogId, resourceId } = await newResource(running.origin);
    const other = await newResource(running.origin);
    const unknown = [
      sessionsUrl(running.origin, 'beta-seed', randomUUID(), resourceId),
      sessionsUrl(running.origin, 'v1.0', catalogId, randomUUID()),
      sessionsUrl(running.origin, 'v1.0-catalogs', other.catalogId, resourceId),
      sessionsUrl(running.origin, 'beta-resource', '', randomUUID()),
    ];
    for (const collection of unknown) {
      for (const [method, url, json] of [
        ['POST', collection, createBody()],
        ['GET', collection],
        ['GET', `${collection}/$count`],
        ['GET', `${collection}/${randomUUID()}`],
        ['PATCH', `${collection}/${randomUUID()}`, { isUploadDone: true }],
      ] as const) {
        const reply = await call(method, url, json === undefined ? {} : { json });
        expect([method, url, reply.status, reply.json.error?.code]).toEqual([method, url, 404, 'ResourceNotFound']);
      }
    }
    expect(running.emulator.store.list(catalogId, resourceId)).toEqual([]);
  });

  it('knows the resources the control API registers, and refuses one already in another catalog', async () => {
    const { catalogId, resourceId } = await newResource(running.origin);
    expect((await call('GET', `${running.origin}/_emulator/resources`)).json.value).toContainEqual({ catalogId, resourceId });
    const moved = await call('POST', `${running.origin}/_emulator/resources`, { json: { catalogId: randomUUID(), resourceId } });
    expect(moved.status).toBe(409);
    const generated = await call('POST', `${running.origin}/_emulator/resources`, { json: { catalogId } });
    expect(generated).toMatchObject({ status: 201, json: { catalogId, resourceId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
  });

  it('keeps the seed answering GET in its shape: current, no expirationDateTime', async () => {
    const seed = `${sessionsUrl(running.origin, 'beta-seed', SEED_SESSION_KEY.catalogId, SEED_SESSION_KEY.resourceId)}/${SEED_SESSION_KEY.uploadSessionId}`;
    const reply = await call('GET', seed);
    expect(reply.json).toEqual({
      '@odata.context': expect.any(String),
      '@odata.type': '#microsoft.graph.customDataProvidedResourceUploadSession',
      id: SEED_SESSION_KEY.uploadSessionId,
      createdDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), // Graph trims a zero fraction away
      isUploadDone: false,
      referenceId: null,
      status: 'active',
      stats: { filesUploaded: 1, totalBytesUploaded: 2_000_000 },
    });
  });

  it('answers a legacy session in the Oct 2025 shape, expirationDateTime included', async () => {
    const [catalogId, resourceId] = [randomUUID(), randomUUID()];
    const legacy = running.emulator.store.add({ catalogId, resourceId, shape: 'legacy', files: [{ name: 'a.csv', size: 10 }] });
    const reply = await call('GET', `${sessionsUrl(running.origin, 'beta-seed', catalogId, resourceId)}/${legacy.key.uploadSessionId}`);
    expect(reply.json).toMatchObject({ status: 'Active', files: [{ name: 'a.csv', size: 10, uploadedDateTime: expect.any(String) }], expirationDateTime: expect.any(String) });
    expect(reply.json).not.toHaveProperty('@odata.context');
    expect((reply.json.files as object[])[0]).not.toHaveProperty('id');
  });
});
