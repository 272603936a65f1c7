import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';
import { CSV_HEADER, UPLOAD_FILE } from '../support/upload-request';

/**
 * A refusal answered while the request's body is still coming (CSRF, a size limit, a malformed multipart
 * request, a file refused mid-stream) must reach the client as its status, not as a reset: the gateway reads
 * and drops the rest of the body before it closes. The client here is the hardest kind: it writes its whole
 * body before it reads anything, so a connection closed under it shows as EPIPE or ECONNRESET and nothing else.
 */

const ROUNDS = 3;
const FILE_BYTES = 8 * 1024 * 1024; // more than the kernel's socket buffers hold, so the body is still being written
const CHUNK = Buffer.alloc(64 * 1024, 'a');

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ LOG_LEVEL: 'info' });
});
afterAll(() => t.stop());

/** Bytes, or a pause between them: the body keeps coming after the gateway has answered. */
type Piece = Buffer | { pauseMs: number };

/** Writes the request whole, then reads: resolves with the answer's status, or the socket error that came instead. */
function writeAllThenRead(pieces: Piece[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(t.url.port), '127.0.0.1');
    socket.pause();
    let answer = '';
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
    void (async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        if (Buffer.isBuffer(piece)) socket.write(piece);
        else await sleep(piece.pauseMs);
      }
      socket.end(() => {
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
        socket.on('end', () => resolve(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? `no status: ${answer.slice(0, 40)}`));
        socket.resume();
      });
    })();
  });
}

function post(headers: Record<string, string>, body: Piece[]): Piece[] {
  const length = body.reduce((sum, piece) => sum + (Buffer.isBuffer(piece) ? piece.length : 0), 0);
  const lines = Object.entries({ host: 'gateway', 'content-length': String(length), ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return [Buffer.from(`POST /graphql HTTP/1.1\r\n${lines.join('')}\r\n`), ...body];
}

type Part = { name: string; value: string } | { name: string; file: Piece[] } | { pauseMs: number };

function multipart(parts: Part[], headers: Record<string, string> = {}): Piece[] {
  const boundary = `----refusal-${randomUUID()}`;
  const body: Piece[] = [];
  for (const part of parts) {
    if ('pauseMs' in part) body.push(part);
    else if ('value' in part) body.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    else body.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="access.csv"\r\nContent-Type: text/csv\r\n\r\n`), ...part.file, Buffer.from('\r\n'));
  }
  body.push(Buffer.from(`--${boundary}--\r\n`));
  return post({ 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers }, body);
}

const OPERATIONS = { name: 'operations', value: JSON.stringify({ query: UPLOAD_FILE, variables: { input: { ...SEED, file: null } } }) };
const MAP = { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'] }) };
const PREFLIGHT = { 'apollo-require-preflight': 'true' };
const bigFile = (head = CSV_HEADER): Piece[] => [Buffer.from(head), ...Array<Buffer>(FILE_BYTES / CHUNK.length).fill(CHUNK)];

/** 3,000 text fields, sent a hundred at a time: the gateway refuses the first while the rest still come. */
const extraFields = (): Part[] =>
  Array.from({ length: 3_000 }, (_, i): Part[] => [{ name: `extra${i}`, value: 'x'.repeat(60) }, ...(i % 100 === 99 ? [{ pauseMs: 5 }] : [])]).flat();

describe('a refusal answered before the body is read reaches the client as its status, not a reset', () => {
  it.each<[string, () => Piece[], string]>([
    ['a multipart upload without a preflight header (CSRF), carrying an 8 MB file', () => multipart([OPERATIONS, MAP, { name: '0', file: bigFile() }]), '400'],
    ['a multipart request with 3,000 extra text fields after map', () => multipart([OPERATIONS, MAP, ...extraFields(), { name: '0', file: [Buffer.from(CSV_HEADER)] }], PREFLIGHT), '400'],
    ['a JSON body over the 1 MiB limit', () => post({ 'content-type': 'application/json' }, bigFile('{"query":"')), '413'],
    // Answered by the operation (BAD_USER_INPUT), before the rest of the file is read.
    ['an upload whose CSV is refused at line 2 while 8 MB more of it comes', () => multipart([OPERATIONS, MAP, { name: '0', file: bigFile(`${CSV_HEADER}a"b\r\n`) }], PREFLIGHT), '200'],
  ])('%s', async (_name, pieces, status) => {
    const seen: string[] = [];
    for (let round = 0; round < ROUNDS; round++) seen.push(await writeAllThenRead(pieces()));
    expect(seen).toEqual(Array<string>(ROUNDS).fill(status));
  });
});
