import { request } from 'undici';
import type { IncomingMessage } from 'node:http';
import type { FaultSpec } from '../../src/emulator/server/faults';
import type { GraphVersion } from '../../src/graph/graph-paths';
import type { SessionKey } from '../../src/emulator/upload-sessions/session-store';
import { postGraphQL, SEED, startTestGateway, type TestGateway, scriptFault } from '../support/gateway';
import { CSV_HEADER, csvRows, postMultipart, rowsThenLeave, uploadParts, UPLOAD_FILE } from '../support/upload-request';
import { waitUntil } from './emulator-http';

/**
 * Over real HTTP: CSV files sent to the gateway as GraphQL multipart requests, streamed on to
 * the emulator's uploadFile. "Nothing lands" is checked in the emulator's store and in its request log.
 */

const FAST_BACKOFF = { GRAPH_RETRY_BASE_MS: '5', GRAPH_RETRY_MAX_MS: '20' };
const SMALL_CSV = `${CSV_HEADER}u1,EntraIdUser,p1,Read,"Reads, ""all""",Role\r\nu2,EntraIdUser,p2,Write,Writes,Role\r\n`;

let t: TestGateway;
afterEach(() => t.stop());

async function start(env: Record<string, string> = {}, version: GraphVersion = 'beta'): Promise<SessionKey> {
  t = await startTestGateway({ ...FAST_BACKOFF, ...env }, {}, { version });
  return t.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId }).key;
}

const fault = (spec: FaultSpec) => scriptFault(t, spec);

const filesOf = (session: SessionKey) => t.emulator.store.get(session)!.files;
const uploadFileCalls = () => t.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/uploadFile'));

/** Waits for the emulator to log the end of every uploadFile request it received (a cut one is logged when its socket closes). */
async function uploadFileRequestsLogged(expected: number): Promise<void> {
  await waitUntil(() => uploadFileCalls().length >= expected);
}

describe.each<GraphVersion>(['beta', 'v1.0'])('uploadSessionFile on Graph %s', (version) => {
  it('uploads a small file: the session comes back with its stats and files', async () => {
    const session = await start({}, version);
    const { status, body } = await postMultipart(t.url, uploadParts(session, [SMALL_CSV], 'building-b.csv'));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const size = Buffer.byteLength(SMALL_CSV);
    expect(body.data?.uploadSessionFile).toEqual({
      id: session.uploadSessionId,
      stats: { filesUploaded: 1, totalBytesUploaded: size },
      files: [{ id: expect.any(String), name: 'building-b.csv', size }],
    });
    expect(filesOf(session)).toEqual([expect.objectContaining({ name: 'building-b.csv', size })]);
    expect(uploadFileCalls()).toEqual([expect.objectContaining({ status: 200 })]);
    expect(uploadFileCalls()[0]!.path).toContain(version === 'beta' ? '/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/' : '/v1.0/identityGovernance/entitlementManagement/catalogs/');
  });
});

describe('file names', () => {
  it('keeps a UTF-8 name (accented letters, spaces, CJK) from the browser to Graph and back, unchanged', async () => {
    const session = await start();
    const name = 'Müller café 東京 データ.csv';
    const { body } = await postMultipart(t.url, uploadParts(session, [SMALL_CSV], name));
    expect(body.errors).toBeUndefined();
    expect((body.data?.uploadSessionFile as { files: { name: string }[] }).files.map((file) => file.name)).toEqual([name]);
    expect(filesOf(session).map((file) => file.name)).toEqual([name]);
    const read = await postGraphQL(t.url, `query R($c: ID!, $r: ID!, $s: ID!) { uploadSession(catalogId: $c, resourceId: $r, uploadSessionId: $s) { files { name } } }`, {
      c: session.catalogId,
      r: session.resourceId,
      s: session.uploadSessionId,
    });
    expect(read.body.data?.uploadSession).toEqual({ files: [{ name }] });
  });
});

describe('uploadSessionFile refusals', () => {
  it('refuses by default a file whose header lacks a documented column, naming it; nothing lands; UPLOAD_CSV_COLUMNS= turns the check off', async () => {
    const noPermissionType = 'principalId,principalType,permissionId,permissionName,permissionDescription\r\nu1,EntraIdUser,p1,Read,Reads\r\n';
    let session = await start();
    const { body } = await postMultipart(t.url, uploadParts(session, [noPermissionType]));
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining('the header lacks the column(s) permissionType;'), extensions: { code: 'BAD_USER_INPUT', line: 1 } });
    expect(filesOf(session)).toEqual([]);
    await t.stop();

    session = await start({ UPLOAD_CSV_COLUMNS: '' });
    expect((await postMultipart(t.url, uploadParts(session, [noPermissionType]))).body.errors).toBeUndefined();
    expect(filesOf(session)).toHaveLength(1);
  });

  it('refuses a file for a completed session with CONFLICT saying so; nothing lands', async () => {
    await start();
    const done = t.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId, status: 'complete' }).key;
    const { body } = await postMultipart(t.url, uploadParts(done, [SMALL_CSV]));
    expect(body.errors?.[0]).toMatchObject({
      message: 'The upload session is already completed: it takes no more files and cannot be deleted.',
      extensions: { code: 'CONFLICT', graph: { status: 409, code: 'uploadSessionAlreadyCompleted' } },
    });
    expect(filesOf(done)).toEqual([]);
  });

  it('refuses a file over UPLOAD_MAX_BYTES with BAD_USER_INPUT and limitBytes; nothing lands', async () => {
    const session = await start({ UPLOAD_MAX_BYTES: '1000' });
    const { body } = await postMultipart(t.url, uploadParts(session, csvRows(100)));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limitBytes: 1000 });
    expect(filesOf(session)).toEqual([]);
  });

  it('accepts a file of exactly UPLOAD_MAX_BYTES', async () => {
    const session = await start({ UPLOAD_MAX_BYTES: String(Buffer.byteLength(SMALL_CSV)) });
    const { body } = await postMultipart(t.url, uploadParts(session, [SMALL_CSV]));
    expect(body.errors).toBeUndefined();
    expect(filesOf(session)).toHaveLength(1);
  });

  it('refuses a bad row at line 1,000,000 naming the line; the Graph request is cut and nothing lands', async () => {
    const session = await start();
    let sent = 0;
    const { body } = await postMultipart(t.url, uploadParts(session, csvRows(1_000_100, { bad: 1_000_000, onBytes: (bytes) => (sent += bytes) })));
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.message).toContain('line 1000000');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', line: 1000000 });
    await uploadFileRequestsLogged(1);
    const [graphRequest] = uploadFileCalls();
    // Cut before its end: the emulator never saw the part's closing boundary (or the bytes after the bad row).
    expect(graphRequest!.status === 0 || graphRequest!.bodyBytes < sent).toBe(true);
    expect(graphRequest!.bodyBytes).toBeGreaterThan(40_000_000); // it did stream, up to the bad row
    expect(filesOf(session)).toEqual([]);
    expect(t.emulator.store.get(session)!.files).toHaveLength(0);
  });

  it('refuses a multipart request without a preflight header with 400, before reading it', async () => {
    const session = await start();
    const { status, body } = await postMultipart(t.url, uploadParts(session, [SMALL_CSV]), { headers: {} });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/apollo-require-preflight/i);
    expect(t.emulator.requests).toEqual([]);
  });

  it('accepts x-apollo-operation-name as the preflight header', async () => {
    const session = await start();
    const { body } = await postMultipart(t.url, uploadParts(session, [SMALL_CSV]), { headers: { 'x-apollo-operation-name': 'Upload' } });
    expect(body.errors).toBeUndefined();
  });

  it('refuses two files in one request (map names both) with 400, before any Graph call', async () => {
    const session = await start();
    const [operations, , file] = uploadParts(session, [SMALL_CSV]);
    const map = { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'], 1: ['variables.input.file'] }) };
    const { status, body } = await postMultipart(t.url, [operations!, map, file!, { name: '1', fileName: 'second.csv', content: [SMALL_CSV] }]);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/exactly one file/);
    expect(t.emulator.requests).toEqual([]);
  });

  it('refuses a second, unmapped file after the first with BAD_USER_INPUT; nothing lands', async () => {
    // The request was handed on when the first file began (it streams), so this refusal is the file's stream failing.
    const session = await start();
    const parts = uploadParts(session, [SMALL_CSV]);
    const { body } = await postMultipart(t.url, [...parts, { name: '1', fileName: 'second.csv', content: [SMALL_CSV] }]);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/one file only/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(filesOf(session)).toEqual([]);
    expect(uploadFileCalls().filter((call) => call.status === 200)).toEqual([]);
  });

  it('refuses a file sent to another mutation with 400, before any Graph call', async () => {
    await start();
    const operations = {
      query: 'mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id } }',
      variables: { input: { ...SEED, file: null } },
    };
    const { status, body } = await postMultipart(t.url, [
      { name: 'operations', value: JSON.stringify(operations) },
      { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'] }) },
      { name: '0', fileName: 'access.csv', content: [SMALL_CSV] },
    ]);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toContain('uploadSessionFile');
    expect(t.emulator.requests).toEqual([]);
    expect(t.emulator.store.get(SEED)!.isUploadDone).toBe(false);
  });

  it('refuses a file whose upload shares its mutation with another field with 400', async () => {
    const session = await start();
    const query = UPLOAD_FILE.replace('uploadSessionFile(input: $input) {', 'completeUploadSession(input: {catalogId: "x", resourceId: "y", uploadSessionId: "z"}) { id } uploadSessionFile(input: $input) {');
    const { status } = await postMultipart(t.url, [
      { name: 'operations', value: JSON.stringify({ query, variables: { input: { ...session, file: null } } }) },
      { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'] }) },
      { name: '0', fileName: 'access.csv', content: [SMALL_CSV] },
    ]);
    expect(status).toBe(400);
    expect(t.emulator.requests).toEqual([]);
  });
});

describe('uploadSessionFile when a side goes away', () => {
  it('aborts Graph’s request when the caller aborts mid-upload; nothing lands; the attempt counts as aborted_by_gateway', async () => {
    const session = await start();
    let graphStarted = false;
    const startedOnGraph = (req: IncomingMessage) => {
      if (req.url?.endsWith('/uploadFile')) graphStarted = true;
    };
    t.emulator.server.on('request', startedOnGraph);
    const caller = new AbortController();
    await expect(postMultipart(t.url, uploadParts(session, rowsThenLeave(() => graphStarted, caller)), { signal: caller.signal })).rejects.toThrow();
    await uploadFileRequestsLogged(1);
    expect(uploadFileCalls()).toEqual([expect.objectContaining({ status: 0 })]);
    expect(uploadFileCalls()[0]!.bodyBytes).toBeGreaterThan(0);
    expect(filesOf(session)).toEqual([]);
    // The operation's log line comes after its Graph attempt is counted: the gateway stopped it, Graph did not fail.
    await waitUntil(() => t.logs.some((chunk) => chunk.includes('"msg":"GraphQL operation"')));
    const metrics = await (await request(new URL('/metrics', t.url))).body.text();
    expect(metrics).toContain('gateway_graph_requests_total{method="POST",status="aborted_by_gateway"} 1');
    expect(metrics).not.toContain('status="error"');
  });

  it.each([
    // Graph answers 500 and closes while the gateway is still sending: whether the answer is read before the
    // connection's reset is a race of the two sockets, so either code is right (the failure is Graph's either way).
    ['answers 500 mid-upload', { status: 500 }, ['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE']],
    ['drops the connection mid-upload', {}, ['UPSTREAM_UNAVAILABLE']],
  ])('fails with an error code when Graph %s; nothing lands, nothing is sent again', async (_name, spec, codes) => {
    const session = await start();
    await fault({ method: 'POST', path: '/uploadFile', failAfterBytes: 200_000, ...spec });
    const { body } = await postMultipart(t.url, uploadParts(session, csvRows(50_000)));
    expect(body.data).toBeNull();
    expect(codes).toContain(body.errors?.[0]?.extensions?.code);
    await uploadFileRequestsLogged(1);
    expect(uploadFileCalls()).toHaveLength(1);
    expect(filesOf(session)).toEqual([]);
  });

  it('resolves a lost answer after a complete body by reading the files: one new file, one uploadFile request', async () => {
    const session = await start();
    await fault({ method: 'POST', path: '/uploadFile', reset: 'after', times: 1 });
    let size = 0;
    const { body } = await postMultipart(t.url, uploadParts(session, csvRows(20_000, { onBytes: (bytes) => (size += bytes) })));
    expect(body.errors).toBeUndefined();
    expect(body.data?.uploadSessionFile).toMatchObject({ stats: { filesUploaded: 1, totalBytesUploaded: size }, files: [{ name: 'access.csv', size }] });
    expect(filesOf(session)).toEqual([expect.objectContaining({ name: 'access.csv', size })]);
    expect(uploadFileCalls()).toEqual([expect.objectContaining({ status: 0 })]);
  });
});
