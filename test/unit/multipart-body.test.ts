import { Readable } from 'node:stream';
import { parseFileName } from '../../src/graph/upload-sessions/file-name';
import { MultipartFileBody } from '../../src/graph/transport/multipart-body';
import { CsvError } from '../../src/upload/csv-error';

const A_CSV = parseFileName('a.csv');

async function collect(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('MultipartFileBody', () => {
  it('frames the file as one part named "file", octet-stream, between the boundaries', async () => {
    const body = new MultipartFileBody(A_CSV, chunks('principalId,', 'principalType\n'));
    const boundary = /boundary=(.+)$/.exec(body.contentType)![1]!;
    expect(body.contentType).toBe(`multipart/form-data; boundary=${boundary}`);
    expect(await collect(body.open())).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: application/octet-stream\r\n\r\n` +
        `principalId,principalType\n\r\n--${boundary}--\r\n`,
    );
    expect(body.bytesSent).toBe(26);
  });

  it('reads a Node stream too, and a fresh boundary per body', async () => {
    const body = new MultipartFileBody(A_CSV, Readable.from([Buffer.from('x,y\n')]));
    expect(await collect(body.open())).toContain('\r\n\r\nx,y\n\r\n--');
    expect(new MultipartFileBody(A_CSV, chunks()).contentType).not.toBe(body.contentType);
  });

  it('pulls the source only as it is pulled itself: the preamble leaves it untouched', async () => {
    let reads = 0;
    const source = (async function* () {
      reads++;
      yield Buffer.from('a');
    })();
    const body = new MultipartFileBody(A_CSV, source);
    const iterator = body.open()[Symbol.asyncIterator]();
    await iterator.next();
    expect(body.sourceTouched).toBe(false);
    expect(reads).toBe(0);
    await iterator.next();
    expect(body.sourceTouched).toBe(true);
    expect(reads).toBe(1);
    await expect(body.open()[Symbol.asyncIterator]().next()).rejects.toThrow('cannot be sent again');
  });

  it('ends without the closing boundary when the source throws, keeping the source’s error', async () => {
    const refusal = new CsvError('2 fields where the header has 6', 3, 2);
    const source = (async function* () {
      yield Buffer.from('principalId\n');
      throw refusal;
    })();
    const body = new MultipartFileBody(A_CSV, source);
    const sent: string[] = [];
    const error = await (async () => {
      for await (const chunk of body.open()) sent.push(Buffer.from(chunk).toString());
    })().catch((caught: unknown) => caught);
    expect(error).toBe(refusal);
    expect(body.sourceError).toBe(refusal);
    expect(sent.join('')).not.toContain('--\r\n');
  });

  it('close() destroys a Node stream source', () => {
    const source = new Readable({ read() {} });
    new MultipartFileBody(A_CSV, source).close();
    expect(source.destroyed).toBe(true);
  });
});
