import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'undici';
import { MultipartRequestError } from '../../src/http/multipart-error';
import { readMultipartRequest, type MultipartLimits, type MultipartRequest } from '../../src/http/multipart-request';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { csvCheck } from '../../src/upload/csv-check';
import { CsvError } from '../../src/upload/csv-error';
import { Upload } from '../../src/upload/upload';

const BOUNDARY = '----gateway-test-boundary';
const OPERATIONS = JSON.stringify({
  query: 'mutation ($input: UploadSessionFileInput!) { uploadSessionFile(input: $input) { id } }',
  variables: { input: { catalogId: 'c', resourceId: 'r', uploadSessionId: 's', file: null } },
});
const MAP = JSON.stringify({ 0: ['variables.input.file'] });
const HEADER = 'principalId,principalType,permissionId,permissionName,permissionDescription,permissionType\r\n';

type Content = Iterable<Buffer | string> | AsyncIterable<Buffer | string>;
type Part = { name: string; value: string } | { name: string; fileName: string; type?: string; content: Content };

const field = (name: string, value: string): Part => ({ name, value });
const file = (name: string, content: Content, fileName = 'access.csv'): Part => ({ name, fileName, content });
const standard = (content: Content): Part[] => [field('operations', OPERATIONS), field('map', MAP), file('0', content)];

async function* multipartBody(parts: Part[], end = true): AsyncGenerator<Buffer> {
  for (const part of parts) {
    if ('value' in part) {
      yield Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`);
      continue;
    }
    yield Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\nContent-Type: ${part.type ?? 'text/csv'}\r\n\r\n`);
    for await (const chunk of part.content) yield Buffer.from(chunk);
    yield Buffer.from('\r\n');
  }
  if (end) yield Buffer.from(`--${BOUNDARY}--\r\n`);
}

/** `rows` CSV rows after the header, made as they are sent; `bad` (a line number) gets a broken row. */
function* csvRows(rows: number, bad?: number): Generator<string> {
  yield HEADER;
  let text = '';
  for (let line = 2; line <= rows + 1; line++) {
    text += line === bad ? `u${line},EntraIdUser,p${line},"Read"x,Reads,Role\r\n` : `u${line},EntraIdUser,p${line},Read,"Reads, ""all""",Role\r\n`;
    if (text.length >= 64 * 1024) {
      yield text;
      text = '';
    }
  }
  if (text) yield text;
}

let server: Server;
let client: Client;
let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  server.close();
});

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

function refusal(error: unknown, phase: 'request' | 'stream') {
  if (error instanceof CsvError) return { phase, message: toGraphQLError(error).message };
  if (!(error instanceof MultipartRequestError)) return { phase, message: String(error) };
  return { phase, message: error.message, status: error.status, limitBytes: error.limitBytes };
}

/**
 * The server side of most tests: read the request, hand the file's stream to `consume`, answer with
 * what was seen, or with the refusal and where it came from (the request's shape, or the file's stream).
 */
function serve(limits: MultipartLimits, consume: (stream: Readable) => Promise<unknown> = text): void {
  handle = async (req, res) => {
    let request: MultipartRequest;
    try {
      request = await readMultipartRequest(req, limits);
    } catch (error) {
      return reply(res, error instanceof MultipartRequestError ? error.status : 500, refusal(error, 'request'));
    }
    try {
      const input = request.body.variables?.input as { file: unknown };
      const upload = await request.uploads[0]!.file;
      const content = await consume(upload.stream);
      reply(res, 200, { isUpload: input.file === request.uploads[0] && input.file instanceof Upload, fileName: upload.fileName, content });
    } catch (error) {
      reply(res, 422, refusal(error, 'stream'));
    } finally {
      request.dispose();
    }
  };
}

async function send(body: AsyncIterable<Buffer>, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
  const response = await client.request({ path: '/graphql', method: 'POST', headers: { 'content-type': contentType }, body: Readable.from(body) });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('a well-formed request', () => {
  it('puts an Upload where map says, and streams the file whole', async () => {
    serve({ maxFileBytes: 1000 });
    const csv = `${HEADER}u1,EntraIdUser,p1,Read,Reads,Role\r\n`;
    await expect(send(multipartBody(standard([csv.slice(0, 10), csv.slice(10)])))).resolves.toEqual({
      status: 200,
      json: { isUpload: true, fileName: 'access.csv', content: csv },
    });
  });

  it('reads a UTF-8 file name as browsers send it, and only its last segment', async () => {
    serve({ maxFileBytes: 1000 });
    await expect(send(multipartBody([field('operations', OPERATIONS), field('map', MAP), file('0', ['a'], 'accès 😀.csv')]))).resolves.toMatchObject({
      json: { fileName: 'accès 😀.csv' },
    });
    await expect(send(multipartBody([field('operations', OPERATIONS), field('map', MAP), file('0', ['a'], 'C:\\\\data\\\\a.csv')]))).resolves.toMatchObject({
      json: { fileName: 'a.csv' },
    });
  });

  it('accepts a file of exactly maxFileBytes', async () => {
    serve({ maxFileBytes: 1000 });
    await expect(send(multipartBody(standard(['x'.repeat(1000)])))).resolves.toMatchObject({ status: 200, json: { content: 'x'.repeat(1000) } });
  });

  it('resolves when the file part begins, before the body is read to its end', async () => {
    let resolved!: () => void;
    const requestRead = new Promise<void>((resolve) => (resolved = resolve));
    handle = async (req, res) => {
      const request = await readMultipartRequest(req, { maxFileBytes: 1000 });
      resolved();
      const content = await text((await request.uploads[0]!.file).stream);
      reply(res, 200, { content });
    };
    // The rest of the file is sent only once the server has its request: reading to the end first would never finish.
    async function* rest(): AsyncGenerator<string> {
      yield 'a,b\n';
      await requestRead;
      yield '1,2\n';
    }
    await expect(send(multipartBody(standard(rest())))).resolves.toEqual({ status: 200, json: { content: 'a,b\n1,2\n' } });
  });

  it('streams a 50 MB file to a slow reader without holding it', async () => {
    const size = 50 * 1024 * 1024;
    // The sender waits whenever the reader is more than this behind: a reader handed the file only once it had
    // all arrived would never get it, and the send would never end.
    const window = 4 * 1024 * 1024;
    const letters = Array.from({ length: 26 }, (_letter, index) => Buffer.alloc(64 * 1024, String.fromCharCode(97 + index)));
    const sent = createHash('sha256');
    let sentBytes = 0;
    let readBytes = 0;
    async function* generated(): AsyncGenerator<Buffer> {
      for (let index = 0; sentBytes < size; index++) {
        const chunk = letters[index % 26]!;
        sent.update(chunk);
        sentBytes += chunk.length;
        yield chunk;
        while (sentBytes - readBytes > window) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    serve({ maxFileBytes: size }, async (stream) => {
      const received = createHash('sha256');
      await pipeline(
        stream,
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            received.update(chunk);
            readBytes += chunk.length;
            setTimeout(callback, 1); // slower than the client sends
          },
        }),
      );
      return { bytes: readBytes, sha256: received.digest('hex') };
    });
    const { status, json } = await send(multipartBody(standard(generated())));
    expect(status).toBe(200);
    expect(json.content).toEqual({ bytes: size, sha256: sent.digest('hex') });
  });

  it('leaves the connection usable when the file is never read: dispose drains the body', async () => {
    handle = async (req, res) => {
      const request = await readMultipartRequest(req, { maxFileBytes: 10 * 1024 * 1024 });
      reply(res, 200, { read: false });
      request.dispose();
    };
    for (let round = 0; round < 2; round++) {
      await expect(send(multipartBody(standard(csvRows(50_000))))).resolves.toEqual({ status: 200, json: { read: false } });
    }
  });
});

describe('refusals of the request itself (HTTP 400, or 413 for an oversized field, before any operation runs)', () => {
  beforeEach(() => serve({ maxFileBytes: 1000 }));

  it.each<[string, Part[], string, number]>([
    ['a file before map', [field('operations', OPERATIONS), file('0', ['a,b\n']), field('map', MAP)], 'The map field must come before the file.', 400],
    ['a file first', [file('0', ['a,b\n']), field('operations', OPERATIONS), field('map', MAP)], 'The first part of a multipart request must be the operations field.', 400],
    ['map first', [field('map', MAP), field('operations', OPERATIONS), file('0', ['a,b\n'])], 'The first part of a multipart request must be the operations field.', 400],
    ['a file not named in map', [field('operations', OPERATIONS), field('map', MAP), file('1', ['a,b\n'])], 'The file part "1" is not named in map.', 400],
    ['no file for the map entry', [field('operations', OPERATIONS), field('map', MAP)], 'The file for map entry "0" never arrived.', 400],
    ['no map', [field('operations', OPERATIONS)], 'The multipart request has no map field.', 400],
    ['nothing', [], 'The multipart request has no operations field.', 400],
    ['a third field', [field('operations', OPERATIONS), field('map', MAP), field('extra', '1'), file('0', ['a,b\n'])], 'Only the file may follow the map field.', 400],
    ['a batch', [field('operations', `[${OPERATIONS},${OPERATIONS}]`), field('map', MAP), file('0', ['a,b\n'])], 'Batched operations are not supported in a multipart request: send one operation.', 400],
    ['operations not JSON', [field('operations', '{query'), field('map', MAP), file('0', ['a,b\n'])], 'The operations field is not valid JSON.', 400],
    ['map not JSON', [field('operations', OPERATIONS), field('map', '{'), file('0', ['a,b\n'])], 'The map field is not valid JSON.', 400],
    ['variables not an object', [field('operations', JSON.stringify({ query: '{ x }', variables: [] })), field('map', MAP)], 'operations.variables must be an object.', 400],
    ['query not a string', [field('operations', JSON.stringify({ query: 1 })), field('map', MAP)], 'operations.query must be a string.', 400],
    ['two files in map', [field('operations', OPERATIONS), field('map', JSON.stringify({ 0: ['variables.input.file'], 1: ['variables.input.file'] })), file('0', ['a'])], 'The map field must name exactly one file; it names 2.', 400],
    ['no file in map', [field('operations', OPERATIONS), field('map', '{}'), file('0', ['a'])], 'The map field must name exactly one file; it names 0.', 400],
    ['one file at two paths', [field('operations', OPERATIONS), field('map', JSON.stringify({ 0: ['variables.input.file', 'variables.input.file'] })), file('0', ['a'])], 'map entry "0" must be a list of exactly one path.', 400],
    ['a path outside variables', [field('operations', OPERATIONS), field('map', JSON.stringify({ 0: ['query'] })), file('0', ['a'])], 'map path "query" must name a null in operations.variables.', 400],
    ['a path to something not null', [field('operations', OPERATIONS), field('map', JSON.stringify({ 0: ['variables.input.catalogId'] })), file('0', ['a'])], 'map path "variables.input.catalogId" must name a null in operations.variables.', 400],
    ['a path to nothing', [field('operations', OPERATIONS), field('map', JSON.stringify({ 0: ['variables.input.other'] })), file('0', ['a'])], 'map path "variables.input.other" must name a null in operations.variables.', 400],
    ['a path through the prototype', [field('operations', OPERATIONS), field('map', JSON.stringify({ 0: ['variables.__proto__.x'] })), file('0', ['a'])], 'map path "variables.__proto__.x" must name a null in operations.variables.', 400],
    ['an operations field over maxFieldBytes', [field('operations', JSON.stringify({ query: 'x'.repeat(2 * 1024 * 1024) })), field('map', MAP)], 'The operations field is larger than 1048576 bytes.', 413],
  ])('%s', async (_name, parts, message, expectedStatus) => {
    const { status, json } = await send(multipartBody(parts));
    expect(json).toMatchObject({ phase: 'request', message });
    expect(status).toBe(expectedStatus);
  });

  it('refuses a body that is not multipart', async () => {
    await expect(send(multipartBody([]), 'application/json')).resolves.toMatchObject({
      status: 400,
      json: { phase: 'request', message: 'The request is not multipart/form-data with a boundary.' },
    });
  });

  it('refuses a body cut before its closing boundary', async () => {
    await expect(send(multipartBody([field('operations', OPERATIONS)], false))).resolves.toMatchObject({
      status: 400,
      json: { phase: 'request', message: 'The multipart body is malformed: Unexpected end of form.' },
    });
  });

  it('places an Upload in a list, as the spec allows', async () => {
    handle = async (req, res) => {
      const request = await readMultipartRequest(req, { maxFileBytes: 10 });
      const files = request.body.variables?.files as unknown[];
      reply(res, 200, { isUpload: files[1] instanceof Upload, content: await text((await request.uploads[0]!.file).stream) });
    };
    const operations = JSON.stringify({ query: 'mutation ($files: [Upload]) { x(files: $files) }', variables: { files: ['a', null] } });
    const parts = [field('operations', operations), field('map', JSON.stringify({ f: ['variables.files.1'] })), file('f', ['a,b'])];
    await expect(send(multipartBody(parts))).resolves.toEqual({ status: 200, json: { isUpload: true, content: 'a,b' } });
  });
});

describe('failures of the file stream (the resolver sees them)', () => {
  it('fails the stream of the first file, rather than ending it, when a second file follows', async () => {
    serve({ maxFileBytes: 1000 });
    const parts = [...standard(['a,b\n1,2\n']), file('1', ['c,d\n'])];
    await expect(send(multipartBody(parts))).resolves.toEqual({
      status: 422,
      json: { phase: 'stream', status: 400, message: 'A multipart request may carry one file only: a second file was sent.' },
    });
  });

  it('fails the stream, with limitBytes, when the file is larger than maxFileBytes', async () => {
    serve({ maxFileBytes: 1000 });
    const parts = standard(['x'.repeat(600), 'x'.repeat(401), 'x'.repeat(100_000)]);
    await expect(send(multipartBody(parts))).resolves.toEqual({
      status: 422,
      json: { phase: 'stream', status: 413, message: 'The file is larger than the limit of 1000 bytes.', limitBytes: 1000 },
    });
  });

  it('hands on no more than maxFileBytes before failing', async () => {
    let handedOn = 0;
    serve({ maxFileBytes: 1000 }, async (stream) => {
      for await (const chunk of stream) handedOn += (chunk as Buffer).length;
    });
    await expect(send(multipartBody(standard(['x'.repeat(999), 'xx'])))).resolves.toMatchObject({ status: 422 });
    expect(handedOn).toBeLessThanOrEqual(1000);
  });

  it('fails the stream, rather than ending it, when the client goes away mid-file', async () => {
    const outcome = new Promise<unknown>((resolve) => {
      handle = async (req) => {
        const request = await readMultipartRequest(req, { maxFileBytes: 10 * 1024 * 1024 });
        const { stream } = await request.uploads[0]!.file;
        stream.once('data', () => socket.destroy()); // the first bytes are in: now the caller leaves
        resolve(text(stream).then((content) => ({ ended: content.length }), (error: unknown) => refusal(error, 'stream')));
      };
    });
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => undefined);
    const head: Buffer[] = [];
    for await (const chunk of multipartBody([field('operations', OPERATIONS), field('map', MAP)], false)) head.push(chunk);
    const fileHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="0"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n`;
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 10000000\r\n\r\n` +
        Buffer.concat(head).toString() +
        fileHead +
        'a,b\n1,2\n',
    );
    await expect(outcome).resolves.toMatchObject({ phase: 'stream', message: 'The request ended before its body was complete.' });
  });

  it('composes with the CSV check: a bad row is refused at its line, the rest drained, the connection still usable', async () => {
    serve({ maxFileBytes: 50 * 1024 * 1024 }, async (stream) => {
      await pipeline(stream, csvCheck(), new Writable({ write: (_chunk, _encoding, callback) => callback() }));
    });
    await expect(send(multipartBody(standard(csvRows(100_000, 1234))))).resolves.toEqual({
      status: 422,
      json: { phase: 'stream', message: 'The CSV file is invalid at line 1234, column 4: text after the closing quote of a quoted field.' },
    });
    await expect(send(multipartBody(standard(csvRows(10))))).resolves.toMatchObject({ status: 200 });
  });
});
