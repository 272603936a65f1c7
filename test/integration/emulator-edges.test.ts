import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { request } from 'undici';
import { SEED_SESSION_KEY } from '../../src/emulator/control/seed';
import { ASSUMED_REFUSALS } from '../../src/emulator/upload-sessions/session-refusals';
import { call, createBody, emulatorForTests, newResource, sessionsUrl } from './emulator-http';

/** HTTP at its edges, and answer details an SDK or a hand-written client meets. */

const running = emulatorForTests();

const SEED = `/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/${SEED_SESSION_KEY.catalogId}/accessPackageResources/${SEED_SESSION_KEY.resourceId}/uploadSessions/${SEED_SESSION_KEY.uploadSessionId}`;
const FIVE_MB = Buffer.alloc(5 * 1024 * 1024, 'x');

/** Writes a raw request and reads until the emulator closes: the whole answer, or the socket error that came instead. */
function rawExchange(head: string, body?: Buffer): Promise<{ answer: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect(running.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (problem: NodeJS.ErrnoException) => (error = problem.code));
    socket.on('close', () => resolve({ answer: Buffer.concat(chunks).toString('utf8'), ...(error && { error }) }));
    socket.write(Buffer.from(head, 'latin1'));
    if (body) socket.write(body);
    socket.end();
  });
}

describe('HTTP edges', () => {
  it('answers a request without a token 401 with a WWW-Authenticate challenge, in Graph envelope', async () => {
    const response = await request(`${running.origin}${SEED}`);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="", authorization_uri="https:\/\/login\.microsoftonline\.com\/.*client_id="00000003-0000-0000-c000-000000000000"$/);
    expect(await response.body.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('echoes at most a prefix of a 10,000-character path in its error message', async () => {
    const reply = await call('GET', `${running.origin}/beta/identityGovernance/${'a'.repeat(10_000)}`);
    expect(reply.status).toBe(400);
    expect(reply.json.error!.message).toBe(`Resource not found for the segment '${'a'.repeat(64)}…'.`);
    expect(reply.text.length).toBeLessThan(1_000);
  });

  it('answers a raw 0xFF in the request target with Graph error envelope, not a bare status line', async () => {
    const { answer } = await rawExchange(`GET /beta/\xff HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\n\r\n`);
    const [head, json] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/\r\nrequest-id: [0-9a-f-]{36}\r\n/);
    expect(JSON.parse(json!)).toMatchObject({ error: { code: 'BadRequest', message: expect.any(String), innerError: { 'request-id': expect.any(String) } } });
  });

  it('answers a 5 MB text/plain PATCH sent at once, Expect: 100-continue or not, 415 every time, never a reset', async () => {
    for (let round = 0; round < 20; round++) {
      const expect100 = round % 2 === 0 ? 'Expect: 100-continue\r\n' : '';
      const head = `PATCH ${SEED} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\nContent-Type: text/plain\r\nContent-Length: ${FIVE_MB.length}\r\n${expect100}\r\n`;
      const { answer, error } = await rawExchange(head, FIVE_MB);
      expect([round, error, answer.split('\r\n')[0]]).toEqual([round, undefined, 'HTTP/1.1 415 Unsupported Media Type']);
      expect(answer).toContain('"code":"UnsupportedMediaType"');
    }
  });

  it('sends 100 Continue only when it reads the body: a client that waits gets the 415 without sending it', async () => {
    const outcome = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = httpRequest(`${running.origin}${SEED}`, {
        method: 'PATCH',
        headers: { authorization: 'Bearer x', 'content-type': 'text/plain', 'content-length': FIVE_MB.length, expect: '100-continue' },
      });
      req.on('continue', () => {
        continued = true;
        req.end(FIVE_MB);
      });
      req.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode!, continued }));
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(outcome).toEqual({ status: 415, continued: false });
    // a body the emulator reads gets its 100 Continue
    const completed = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${running.origin}${SEED}`, { method: 'PATCH', headers: { authorization: 'Bearer x', 'content-type': 'application/json', expect: '100-continue' } });
      req.on('continue', () => req.end(JSON.stringify({ isUploadDone: 'not yet' })));
      req.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(completed).toBe(400);
  });
});

describe('answer details', () => {
  it('ignores annotations in a PATCH body, such as the @odata.type an SDK hands back from a get', async () => {
    const { catalogId, resourceId } = await newResource(running.origin);
    const collection = sessionsUrl(running.origin, 'v1.0', catalogId, resourceId);
    const created = await call('POST', collection, { json: createBody() });
    const body = { '@odata.type': created.json['@odata.type'], 'isUploadDone@odata.type': '#Boolean', isUploadDone: true };
    expect(await call('PATCH', `${collection}/${created.json.id as string}`, { json: body })).toMatchObject({ status: 200, json: { status: 'complete' } });
  });

  it('writes dates as Graph does, with 0 to 7 fraction digits: 7 among them', async () => {
    const { catalogId, resourceId } = await newResource(running.origin);
    const collection = sessionsUrl(running.origin, 'beta-resource', catalogId, resourceId);
    const dates: string[] = [];
    for (let i = 0; i < 5; i++) dates.push((await call('POST', collection, { json: createBody() })).json.createdDateTime as string);
    for (const date of dates) expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$/);
    const digits = new Set(dates.map((date) => /\.(\d+)Z$/.exec(date)?.[1]?.length ?? 0));
    expect(digits.has(7)).toBe(true);
    expect(digits.size).toBeGreaterThanOrEqual(4);
    // ordered by instant, whatever the digits
    const ids = (await call('GET', `${collection}?$orderby=createdDateTime desc`)).json.value!.map((session) => session.createdDateTime);
    expect(ids).toEqual([...dates].reverse());
  });
});

describe("the emulator's own choices, where Graph documents nothing (ASSUMED_REFUSALS)", () => {
  const refused = (reply: { status: number; json: { error?: { code: string } } }) => ({ status: reply.status, code: reply.json.error?.code });

  it('refuses by the one table: a second create, a create after completion, completing twice, deleting a completed session, isUploadDone: false', async () => {
    const { catalogId, resourceId } = await newResource(running.origin);
    const collection = sessionsUrl(running.origin, 'v1.0', catalogId, resourceId);
    const body = createBody();
    const session = `${collection}/${(await call('POST', collection, { json: body })).json.id as string}`;
    expect(refused(await call('POST', collection, { json: body }))).toEqual(ASSUMED_REFUSALS.createWhileActive);
    expect(refused(await call('PATCH', session, { json: { isUploadDone: false } }))).toEqual(ASSUMED_REFUSALS.otherUpdate);
    expect((await call('PATCH', session, { json: { isUploadDone: true } })).status).toBe(200);
    expect(refused(await call('POST', collection, { json: body }))).toEqual(ASSUMED_REFUSALS.createWhenCompleted);
    expect(refused(await call('PATCH', session, { json: { isUploadDone: true } }))).toEqual(ASSUMED_REFUSALS.changeCompleted);
    expect(refused(await call('DELETE', session))).toEqual(ASSUMED_REFUSALS.changeCompleted);
    const expired = running.emulator.store.add({ catalogId, resourceId, createdDateTime: '2024-03-06T01:35:12Z' });
    expect(refused(await call('PATCH', `${collection}/${expired.key.uploadSessionId}`, { json: { isUploadDone: true } }))).toEqual(ASSUMED_REFUSALS.changeExpired);
  });

  it('keeps the codes the gateway and its clients see today', () => {
    expect(ASSUMED_REFUSALS).toMatchObject({
      createWhileActive: { code: 'uploadSessionAlreadyExists' },
      createWhenCompleted: { code: 'uploadSessionAlreadyCompleted' },
      changeCompleted: { code: 'uploadSessionAlreadyCompleted' },
    });
  });
});
