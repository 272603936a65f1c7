import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import pino from 'pino';
import { Agent, MockAgent, type Dispatcher } from 'undici';
import { parseFileName } from '../../src/graph/upload-sessions/file-name';
import { GraphClient, type GraphCall } from '../../src/graph/graph-client';
import { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { GraphGuard } from '../../src/graph/transport/graph-guard';
import { CsvError } from '../../src/upload/csv-error';
import { Metrics } from '../../src/metrics';
import { key } from '../support/mock-graph';

const SESSION = `/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/${key.catalogId}/accessPackageResources/${key.resourceId}/uploadSessions/${key.uploadSessionId}`;
const json = { headers: { 'content-type': 'application/json' } };
const FILES_PAGE = `${SESSION}/files?$top=100&$count=true`;
const CSV = 'principalId,principalType,permissionId,permissionName,permissionDescription,permissionType\nu1,user,p1,Read,Reads,role\n';
const session = (files: object[]) => ({
  id: key.uploadSessionId,
  status: 'active',
  isUploadDone: false,
  stats: { filesUploaded: files.length, totalBytesUploaded: 0 },
  files,
});

function clientOn(dispatcher: Dispatcher, baseUrl: string): GraphClient {
  const metrics = new Metrics({ defaultMetrics: false });
  const guard = new GraphGuard({ host: 'graph.test', maxConcurrency: 4, maxQueue: 4, breakerFailures: 100, breakerHalfOpenAfterMs: 1000, metrics });
  return new GraphClient({
    baseUrl: new URL(baseUrl),
    dispatcher,
    guard,
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, random: () => 0.5 },
    attemptTimeoutMs: 2_000,
    metrics,
  });
}

function call(): GraphCall {
  return { authorization: async () => 'Bearer t', signal: new AbortController().signal, deadline: Date.now() + 10_000, log: pino({ level: 'silent' }) };
}

/** A source that counts how often it was read. */
function counted(...parts: string[]) {
  const state = { reads: 0 };
  const source = (async function* () {
    for (const part of parts) {
      state.reads++;
      yield Buffer.from(part);
    }
  })();
  return { state, source };
}

async function text(body: unknown): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('uploadFile (MockAgent)', () => {
  let agent: MockAgent;
  let client: GraphClient;
  const pool = () => agent.get('https://graph.test');

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    client = clientOn(agent, 'https://graph.test/beta');
  });
  afterEach(() => agent.close());

  it('snapshots the files, then streams one multipart part named "file" and maps the answer', async () => {
    let received = '';
    let contentType = '';
    pool().intercept({ method: 'GET', path: FILES_PAGE }).reply(200, { value: [] }, json);
    pool()
      .intercept({ method: 'POST', path: `${SESSION}/uploadFile` })
      .reply(200, async (options) => {
        contentType = (options.headers as Record<string, string>)['content-type']!;
        received = await text(options.body);
        return session([{ id: 'f1', name: 'a.csv', size: CSV.length }]);
      }, json);
    const { source } = counted(CSV.slice(0, 10), CSV.slice(10));
    const result = await client.sessions.uploadFile(key, { fileName: parseFileName('a.csv'), body: source }, call());
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType)![1];
    expect(received).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: application/octet-stream\r\n\r\n${CSV}\r\n--${boundary}--\r\n`,
    );
    expect(result.files).toEqual([{ id: 'f1', name: 'a.csv', size: CSV.length, uploadedDateTime: null }]);
    agent.assertNoPendingInterceptors();
  });

  it.each([
    ['a 503 answered before any file byte was pulled', (i: ReturnType<ReturnType<MockAgent['get']>['intercept']>) => i.reply(503, '')],
    ['a refused connection', (i: ReturnType<ReturnType<MockAgent['get']>['intercept']>) => i.replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))],
  ])('sends again after %s: the source is untouched', async (_name, first) => {
    pool().intercept({ method: 'GET', path: FILES_PAGE }).reply(200, { value: [] }, json);
    first(pool().intercept({ method: 'POST', path: `${SESSION}/uploadFile` }));
    let received = '';
    pool()
      .intercept({ method: 'POST', path: `${SESSION}/uploadFile` })
      .reply(200, async (options) => {
        received = await text(options.body);
        return session([{ id: 'f1', name: 'a.csv', size: 3 }]);
      }, json);
    const { state, source } = counted('a,b', '\n');
    await client.sessions.uploadFile(key, { fileName: parseFileName('a.csv'), body: source }, call());
    expect(received).toContain('\r\n\r\na,b\n\r\n--');
    expect(state.reads).toBe(2);
  });

  it('does not send again once the file flowed: a 429 after the body is thrown as it is, without a lookup', async () => {
    pool().intercept({ method: 'GET', path: FILES_PAGE }).reply(200, { value: [] }, json);
    pool()
      .intercept({ method: 'POST', path: `${SESSION}/uploadFile` })
      .reply(429, async (options) => {
        await text(options.body);
        return { error: { code: 'TooManyRequests' } };
      }, { headers: { 'retry-after': '3' } });
    const error = (await failure(client.sessions.uploadFile(key, { fileName: parseFileName('a.csv'), body: counted('x').source }, call()))) as GraphRequestError;
    expect(error.failure).toMatchObject({ status: 429, retryAfterSeconds: 3 });
    agent.assertNoPendingInterceptors();
  });

  it('resolves an ambiguous failure after the body by the session’s files: a new file of that name and size is success', async () => {
    pool().intercept({ method: 'GET', path: FILES_PAGE }).reply(200, { value: [{ id: 'old', name: 'a.csv', size: 1 }] }, json);
    pool()
      .intercept({ method: 'POST', path: `${SESSION}/uploadFile` })
      .reply(504, async (options) => {
        await text(options.body);
        return '';
      });
    const after = [{ id: 'old', name: 'a.csv', size: 1 }, { id: 'new', name: 'a.csv', size: 4 }];
    pool().intercept({ method: 'GET', path: `${SESSION}?$expand=files` }).reply(200, session(after), json);
    const result = await client.sessions.uploadFile(key, { fileName: parseFileName('a.csv'), body: counted('a,b', '\n').source }, call());
    expect(result.files?.map((file) => file.id)).toEqual(['old', 'new']);
  });

  it('keeps the failure when no new file of that name and size is there', async () => {
    pool().intercept({ method: 'GET', path: FILES_PAGE }).reply(200, { value: [{ id: 'old', name: 'a.csv', size: 4 }] }, json);
    pool()
      .intercept({ method: 'POST', path: `${SESSION}/uploadFile` })
      .reply(500, async (options) => {
        await text(options.body);
        return { error: { code: 'InternalServerError' } };
      }, json);
    pool().intercept({ method: 'GET', path: `${SESSION}?$expand=files` }).reply(200, session([{ id: 'old', name: 'a.csv', size: 4 }]), json);
    const error = (await failure(client.sessions.uploadFile(key, { fileName: parseFileName('a.csv'), body: counted('a,b', '\n').source }, call()))) as GraphRequestError;
    expect(error.failure).toMatchObject({ kind: 'http', status: 500 });
    agent.assertNoPendingInterceptors();
  });
});

describe('uploadFile over a real connection (127.0.0.1, port 0)', () => {
  let server: Server;
  let agent: Agent;
  let client: GraphClient;
  let onUpload: (request: IncomingMessage, response: ServerResponse) => void;
  /** What the server received of the upload's body, and whether the body ended properly. */
  let upload: { bytes: Buffer[]; ended: boolean; aborted: Promise<void> };

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.method === 'GET') {
        const files = request.url!.includes('/files?') ? { value: [] } : session([]);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(files));
        return;
      }
      const bytes: Buffer[] = [];
      let aborted!: () => void;
      upload = { bytes, ended: false, aborted: new Promise((resolve) => (aborted = resolve)) };
      request.on('data', (chunk: Buffer) => bytes.push(chunk));
      request.on('end', () => (upload.ended = true));
      request.on('close', () => {
        if (!upload.ended) aborted();
      });
      onUpload(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    agent = new Agent();
    client = clientOn(agent, `http://127.0.0.1:${port}/beta`);
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends every chunk the source yields, each read once, then the closing boundary', async () => {
    onUpload = (request, response) =>
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(session([{ id: 'f', name: 'big.csv', size: 1 }]))));
    const chunk = 'x'.repeat(64 * 1024);
    const { state, source } = counted(...Array.from({ length: 64 }, () => chunk));
    await client.sessions.uploadFile(key, { fileName: parseFileName('big.csv'), body: source }, call());
    const received = Buffer.concat(upload.bytes).toString('latin1');
    expect(state.reads).toBe(64);
    expect(received.length).toBeGreaterThan(64 * chunk.length);
    expect(received).toMatch(/\r\n--gateway-[0-9a-f]{32}--\r\n$/);
  });

  it('aborts the request before the closing boundary when the source refuses the file, and rethrows that refusal as it is', async () => {
    onUpload = () => undefined; // never answers: only the client's abort ends the request
    const refusal = new CsvError('3 fields where the header has 6', 2, 3);
    const source = (async function* () {
      yield Buffer.from(CSV);
      await new Promise((resolve) => setImmediate(resolve));
      throw refusal;
    })();
    const error = await failure(client.sessions.uploadFile(key, { fileName: parseFileName('a.csv'), body: source }, call()));
    expect(error).toBe(refusal);
    await upload.aborted;
    const received = Buffer.concat(upload.bytes).toString('utf8');
    expect(upload.ended).toBe(false);
    const boundary = /^--(gateway-[0-9a-f]{32})\r\n/.exec(received)![1];
    expect(received).toContain(CSV);
    expect(received).not.toContain(`--${boundary}--`);
  });

  it('stops reading the source when Graph drops the connection mid-file, and keeps the failure when nothing landed', async () => {
    onUpload = (request) => request.once('data', () => request.socket.destroy());
    let reads = 0;
    const source = new Readable({
      read() {
        reads++;
        this.push(Buffer.alloc(64 * 1024, 'y'));
      },
    });
    const error = (await failure(client.sessions.uploadFile(key, { fileName: parseFileName('a.csv'), body: source }, call()))) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(['network', 'timeout']).toContain(error.failure.kind);
    expect(source.destroyed).toBe(true);
    const readsAtEnd = reads;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads).toBe(readsAtEnd);
  });
});
