import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { MAX_KEPT_CONTENT_BYTES } from '../../src/emulator/upload-sessions/file-handlers';
import { SEED_SESSION_KEY } from '../../src/emulator/control/seed';
import { call, createBody, emulatorForTests, multipart, newResource, sessionsUrl } from './emulator-http';

/** A session's files as an SDK reads them: listed and paged, counted, one by one, their content ($value). */

const running = emulatorForTests();

/** A new session holding the given files (uploaded in this order); its URL. */
async function sessionWith(files: { name: string; content: string }[]): Promise<string> {
  const { catalogId, resourceId } = await newResource(running.origin);
  const created = await call('POST', sessionsUrl(running.origin, 'v1.0', catalogId, resourceId), { json: createBody() });
  const url = `${sessionsUrl(running.origin, 'v1.0', catalogId, resourceId)}/${created.json.id as string}`;
  for (const file of files) {
    const form = multipart([{ name: 'file', filename: file.name, content: file.content }]);
    expect((await call('POST', `${url}/uploadFile`, { body: form.body, headers: { 'content-type': form.contentType } })).status).toBe(200);
  }
  return url;
}

const THREE = [
  { name: 'b.csv', content: 'bb' },
  { name: 'a.csv', content: 'aaaa' },
  { name: 'c.csv', content: 'c' },
];
const names = (reply: { json: { value?: Record<string, unknown>[] } }) => reply.json.value!.map((file) => file.name);

describe('…/files', () => {
  it('pages with $top, @odata.count and a nextLink the client follows to the end', async () => {
    const url = await sessionWith(THREE);
    const first = await call('GET', `${url}/files?$top=1&$count=true`);
    expect(first.json).toMatchObject({ '@odata.count': 3, value: [{ name: 'b.csv' }] });
    const seen = names(first);
    let next = first.json['@odata.nextLink'] as string | undefined;
    while (next) {
      const page = await call('GET', next);
      expect(page.json['@odata.count']).toBe(3);
      seen.push(...names(page));
      next = page.json['@odata.nextLink'] as string | undefined;
    }
    expect(seen).toEqual(['b.csv', 'a.csv', 'c.csv']);
    expect(names(await call('GET', `${url}/files?$skip=2`))).toEqual(['c.csv']);
  });

  it('orders on name, size or uploadedDateTime, selects, and counts with /files/$count', async () => {
    const url = await sessionWith(THREE);
    expect(names(await call('GET', `${url}/files?$orderby=name`))).toEqual(['a.csv', 'b.csv', 'c.csv']);
    expect(names(await call('GET', `${url}/files?$orderby=size desc`))).toEqual(['a.csv', 'b.csv', 'c.csv']);
    expect(names(await call('GET', `${url}/files?$orderby=uploadedDateTime`))).toEqual(['b.csv', 'a.csv', 'c.csv']);
    expect((await call('GET', `${url}/files?$select=size`)).json.value![0]).toEqual({ id: expect.any(String), size: 2 });
    const count = await call('GET', `${url}/files/$count`);
    expect(count).toMatchObject({ status: 200, text: '3' });
    expect(count.headers['content-type']).toMatch(/^text\/plain/);
  });

  it.each([
    ['$filter', "name eq 'a.csv'"],
    ['$search', 'a'],
    ['$expand', 'content'],
    ['$orderby', 'colour'],
    ['$top', '0'],
  ])('refuses %s=%s with 400 BadRequest', async (option, value) => {
    const url = await sessionWith([]);
    const reply = await call('GET', `${url}/files?${option}=${encodeURIComponent(value)}`);
    expect(reply).toMatchObject({ status: 400, json: { error: { code: 'BadRequest' } } });
  });

  it('honours $expand=files with nested options on a get and a list', async () => {
    const url = await sessionWith(THREE);
    const one = await call('GET', `${url}?$expand=files($orderby=name desc;$top=2;$select=name;$count=true)`);
    expect(one.json['files@odata.count']).toBe(3);
    expect(one.json.files).toEqual([
      { id: expect.any(String), name: 'c.csv' },
      { id: expect.any(String), name: 'b.csv' },
    ]);
    const list = await call('GET', `${url.replace(/\/[^/]+$/, '')}?$expand=${encodeURIComponent('files($orderby=size;$skip=1)')}`);
    expect((list.json.value![0]!.files as { name: string }[]).map((file) => file.name)).toEqual(['b.csv', 'a.csv']);
    expect((await call('GET', `${url}?$expand=files($search=x)`)).status).toBe(400);
  });
});

describe('…/files/{id}/$value', () => {
  const fileUrl = async (url: string, name: string) => {
    const file = (await call('GET', `${url}/files`)).json.value!.find((candidate) => candidate.name === name)!;
    return `${url}/files/${file.id as string}`;
  };

  it('GET answers the bytes uploaded, PUT replaces them (size follows), DELETE empties them', async () => {
    const url = await sessionWith(THREE);
    const content = await fileUrl(url, 'a.csv');
    const got = await call('GET', `${content}/$value`);
    expect(got).toMatchObject({ status: 200, text: 'aaaa' });
    expect(got.headers['content-type']).toBe('application/octet-stream');

    expect((await call('PUT', `${content}/$value`, { body: 'principalId\nx\n', headers: { 'content-type': 'text/csv' } })).status).toBe(204);
    expect((await call('GET', `${content}/$value`)).text).toBe('principalId\nx\n');
    expect((await call('GET', content)).json.size).toBe(14);

    expect((await call('DELETE', `${content}/$value`)).status).toBe(204);
    expect((await call('GET', `${content}/$value`)).text).toBe('');
    expect((await call('GET', content)).json).toMatchObject({ name: 'a.csv', size: 0 });
  });

  it('answers 404 for an unknown file, 409 once the session is complete, 501 when the content was not kept', async () => {
    const url = await sessionWith(THREE);
    expect((await call('GET', `${url}/files/${randomUUID()}/$value`)).status).toBe(404);
    const content = await fileUrl(url, 'c.csv');
    expect((await call('PATCH', url, { json: { isUploadDone: true } })).status).toBe(200);
    expect(await call('PUT', `${content}/$value`, { body: 'x' })).toMatchObject({ status: 409, json: { error: { code: 'uploadSessionAlreadyCompleted' } } });
    expect((await call('DELETE', `${content}/$value`)).status).toBe(409);
    expect((await call('GET', `${content}/$value`)).text).toBe('c');

    const seed = `${sessionsUrl(running.origin, 'beta-seed', SEED_SESSION_KEY.catalogId, SEED_SESSION_KEY.resourceId)}/${SEED_SESSION_KEY.uploadSessionId}`;
    const seeded = await call('GET', `${await fileUrl(seed, 'building-a-access.csv')}/$value`);
    expect(seeded).toMatchObject({ status: 501, json: { error: { code: 'NotImplemented', message: expect.stringContaining(String(MAX_KEPT_CONTENT_BYTES)) } } });
  });
});

describe('file names', () => {
  it('reads a UTF-8 file name (letters with accents, spaces, CJK) back unchanged', async () => {
    const name = 'Müller café 東京 データ.csv';
    const url = await sessionWith([{ name, content: 'x' }]);
    expect(names(await call('GET', `${url}/files`))).toEqual([name]);
    // the name spelled as RFC 7578 allows too: filename* with percent-encoded UTF-8
    const boundary = `b${randomUUID()}`;
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(name)}\r\n\r\nx\r\n--${boundary}--\r\n`;
    const response = await request(`${url}/uploadFile`, {
      method: 'POST',
      headers: { authorization: 'Bearer test', 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(names(await call('GET', `${url}/files`))).toEqual([name, name]);
  });
});
