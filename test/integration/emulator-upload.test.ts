import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { addFault, call, createBody, multipart, newResource, sessionsUrl, waitUntil, type PathShape } from './emulator-http';

const CSV = 'principalId,principalType,permissionId,permissionName,permissionDescription,permissionType\n' + 'a1,user,p1,Read,Reads,role\n';

let emulator: Emulator;
let origin: string;
beforeAll(async () => {
  emulator = createEmulator();
  origin = (await emulator.listen(0, '127.0.0.1')).origin;
});
afterAll(() => emulator.close());
afterEach(() => emulator.faults.clear());

/** A new active session; its URL and its key in the store. */
async function newSession(shape: PathShape = 'v1.0') {
  const { catalogId, resourceId } = await newResource(origin);
  const reply = await call('POST', sessionsUrl(origin, shape, catalogId, resourceId), { json: createBody() });
  expect(reply.status).toBe(201);
  const uploadSessionId = reply.json.id as string;
  return { url: `${sessionsUrl(origin, shape, catalogId, resourceId)}/${uploadSessionId}`, key: { catalogId, resourceId, uploadSessionId } };
}

const files = (key: { catalogId: string; resourceId: string; uploadSessionId: string }) => emulator.store.get(key)!.files;
const lastLogged = () => emulator.requests.at(-1)!;

function upload(url: string, form: { body: Buffer; contentType: string }) {
  return call('POST', `${url}/uploadFile`, { body: form.body, headers: { 'content-type': form.contentType } });
}

describe('uploadFile', () => {
  it('records a small file: 200 with the session, the new file inline with an id, stats updated', async () => {
    const { url, key } = await newSession();
    const form = multipart([{ name: 'file', filename: 'access.csv', content: CSV }]);
    const reply = await upload(url, form);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      id: key.uploadSessionId,
      status: 'active',
      stats: { filesUploaded: 1, totalBytesUploaded: Buffer.byteLength(CSV) },
      files: [{ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'access.csv', size: Buffer.byteLength(CSV), uploadedDateTime: expect.any(String) }],
    });
    expect(files(key)).toHaveLength(1);
    expect(lastLogged()).toMatchObject({ method: 'POST', status: 200, bodyBytes: form.body.length });

    const second = await upload(url, multipart([{ name: 'file', filename: 'more.csv', content: CSV + CSV }]));
    expect(second.json.stats).toEqual({ filesUploaded: 2, totalBytesUploaded: 3 * Buffer.byteLength(CSV) });
    const listed = await call('GET', `${url}/files`);
    expect(listed.json.value!.map((file) => file.name)).toEqual(['access.csv', 'more.csv']);
  });

  it('streams a file far over the 4 MiB JSON limit and counts every byte', async () => {
    const { url, key } = await newSession('beta-catalogs');
    const size = 64 * 1024 * 1024 + 3;
    const boundary = 'big-boundary';
    async function* body() {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      for (let sent = 0; sent < size; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, size - sent));
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const response = await request(`${url}/uploadFile`, {
      method: 'POST',
      headers: { authorization: 'Bearer test', 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Readable.from(body()),
    });
    expect(response.statusCode).toBe(200);
    expect(((await response.body.json()) as { stats: unknown }).stats).toEqual({ filesUploaded: 1, totalBytesUploaded: size });
    expect(files(key)).toEqual([expect.objectContaining({ name: 'big.csv', size })]);
  });

  it('records nothing when the client goes away mid-body', async () => {
    const { url, key } = await newSession();
    const form = multipart([{ name: 'file', filename: 'cut.csv', content: 'x'.repeat(200_000) }]);
    const target = new URL(`${url}/uploadFile`);
    const before = emulator.requests.length;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(target.port), target.hostname, () => {
        socket.write(
          `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: Bearer test\r\n` +
            `Content-Type: ${form.contentType}\r\nContent-Length: ${form.body.length}\r\n\r\n`,
        );
        socket.write(form.body.subarray(0, 100_000), () => setTimeout(() => (socket.destroy(), resolve()), 50));
      });
      socket.on('error', reject);
    });
    await waitUntil(() => emulator.requests.length > before);
    expect(lastLogged()).toMatchObject({ status: 0, bodyBytes: 100_000 });
    expect(files(key)).toEqual([]);
    expect((await call('GET', url)).json.stats).toEqual({ filesUploaded: 0, totalBytesUploaded: 0 });
  });

  it('records nothing for a multipart body that ends without its closing boundary (400)', async () => {
    const { url, key } = await newSession();
    const reply = await upload(url, multipart([{ name: 'file', filename: 'a.csv', content: CSV }], { close: false }));
    expect(reply).toMatchObject({ status: 400, json: { error: { code: 'BadRequest' } } });
    expect(files(key)).toEqual([]);
  });

  it.each([
    ['no file part', () => multipart([{ name: 'note', content: 'hello' }])],
    ['two file parts', () => multipart([{ name: 'file', filename: 'a.csv', content: CSV }, { name: 'file', filename: 'b.csv', content: CSV }])],
    ['a file part not named file', () => multipart([{ name: 'upload', filename: 'a.csv', content: CSV }])],
    ['a file part without a filename', () => multipart([{ name: 'file', content: CSV }])],
    ['a file part and a field', () => multipart([{ name: 'file', filename: 'a.csv', content: CSV }, { name: 'note', content: 'x' }])],
    ['no boundary', () => ({ body: Buffer.from(CSV), contentType: 'multipart/form-data' })],
    ['garbage', () => ({ body: Buffer.from('not multipart at all'), contentType: 'multipart/form-data; boundary=xyz' })],
  ])('refuses %s with 400 and records nothing', async (_name, form) => {
    const { url, key } = await newSession();
    const reply = await upload(url, form());
    expect(reply).toMatchObject({ status: 400, json: { error: { code: 'BadRequest' } } });
    expect(files(key)).toEqual([]);
  });

  it('refuses another content type with 415', async () => {
    const { url, key } = await newSession();
    const reply = await call('POST', `${url}/uploadFile`, { body: CSV, headers: { 'content-type': 'text/csv' } });
    expect(reply).toMatchObject({ status: 415, json: { error: { code: 'UnsupportedMediaType' } } });
    expect(files(key)).toEqual([]);
  });

  it('refuses a completed session (409), an expired one (409) and an unknown one (404)', async () => {
    const form = multipart([{ name: 'file', filename: 'a.csv', content: CSV }]);
    const { url, key } = await newSession();
    await call('PATCH', url, { json: { isUploadDone: true } });
    expect(await upload(url, form)).toMatchObject({ status: 409, json: { error: { code: 'uploadSessionAlreadyCompleted' } } });
    expect(files(key)).toEqual([]);

    const expired = emulator.store.add({ catalogId: key.catalogId, resourceId: key.resourceId, createdDateTime: '2024-03-06T01:35:12.123Z' });
    const expiredUrl = `${sessionsUrl(origin, 'v1.0', key.catalogId, key.resourceId)}/${expired.key.uploadSessionId}`;
    expect(await upload(expiredUrl, form)).toMatchObject({ status: 409, json: { error: { code: 'uploadSessionExpired' } } });

    expect((await upload(`${sessionsUrl(origin, 'v1.0', key.catalogId, key.resourceId)}/${randomUUID()}`, form)).status).toBe(404);
  });
});

describe('faults on the new operations', () => {
  const form = multipart([{ name: 'file', filename: 'a.csv', content: 'y'.repeat(300_000) }]);

  it('failAfterBytes without a status drops the connection after N body bytes; nothing is recorded', async () => {
    const { url, key } = await newSession();
    await addFault(origin, { path: '/uploadFile', failAfterBytes: 65_536 });
    await expect(upload(url, form)).rejects.toThrow();
    await waitUntil(() => lastLogged().path.endsWith('/uploadFile'));
    const logged = lastLogged();
    expect(logged.status).toBe(0);
    expect(logged.fault).toBeDefined();
    expect(logged.bodyBytes).toBeGreaterThan(65_536);
    expect(logged.bodyBytes).toBeLessThan(form.body.length);
    expect(files(key)).toEqual([]);
  });

  it('failAfterBytes with a status answers it after N body bytes; nothing is recorded', async () => {
    const { url, key } = await newSession();
    await addFault(origin, { method: 'POST', path: '/uploadFile', failAfterBytes: 1000, status: 500, times: 1 });
    const reply = await upload(url, form);
    expect(reply).toMatchObject({ status: 500, json: { error: { code: 'InternalServerError' } } });
    expect(files(key)).toEqual([]);
    expect((await upload(url, form)).status).toBe(200); // times: 1
    expect(files(key)).toHaveLength(1);
  });

  it('reset after on uploadFile, create and delete applies the change and loses the answer', async () => {
    const { url, key } = await newSession();
    await addFault(origin, { method: 'POST', path: '/uploadFile', reset: 'after', times: 1 });
    await expect(upload(url, form)).rejects.toThrow();
    expect(files(key)).toHaveLength(1);

    const collection = sessionsUrl(origin, 'beta-seed', key.catalogId, key.resourceId);
    const reviewInstanceId = randomUUID();
    await addFault(origin, { method: 'POST', path: '/uploadSessions', reset: 'after', times: 1 });
    await expect(call('POST', collection, { json: createBody(reviewInstanceId) })).rejects.toThrow();
    const created = emulator.store.list(key.catalogId, key.resourceId).find((s) => s.referenceId === reviewInstanceId);
    expect(created).toBeDefined();

    await addFault(origin, { method: 'DELETE', reset: 'after', times: 1 });
    await expect(call('DELETE', `${collection}/${created!.key.uploadSessionId}`)).rejects.toThrow();
    expect(emulator.store.get(created!.key)).toBeUndefined();
  });

  it('a status fault on create or delete changes nothing', async () => {
    const { url, key } = await newSession();
    await addFault(origin, { method: 'DELETE', status: 503, retryAfter: '1', times: 1 });
    const refused = await call('DELETE', url);
    expect(refused).toMatchObject({ status: 503, headers: { 'retry-after': '1' }, json: { error: { code: 'ServiceUnavailable' } } });
    expect(emulator.store.get(key)).toBeDefined();

    await addFault(origin, { method: 'POST', status: 429, times: 1 });
    const collection = sessionsUrl(origin, 'v1.0', key.catalogId, key.resourceId);
    expect((await call('POST', collection, { json: createBody() })).status).toBe(429);
    expect(emulator.store.list(key.catalogId, key.resourceId)).toHaveLength(1);
  });
});
