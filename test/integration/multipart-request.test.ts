import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readMultipartRequest } from '../../src/http/multipart-request';
import { body, field, file, MAP, multipartServerPerFile, OPERATIONS, reply, standard, text } from '../support/multipart-server';
import { CSV_HEADER, csvRows } from '../support/upload-request';

/** http/multipart-request.ts on a bare server: well-formed requests (refusals: multipart-refusals.test.ts). */
const harness = multipartServerPerFile();
const { serve, send } = harness;

describe('a well-formed request', () => {
  it('puts an Upload where map says, and streams the file whole', async () => {
    serve({ maxFileBytes: 1000 });
    const csv = `${CSV_HEADER}u1,EntraIdUser,p1,Read,Reads,Role\r\n`;
    await expect(send(body(standard([csv.slice(0, 10), csv.slice(10)])))).resolves.toEqual({
      status: 200,
      json: { isUpload: true, fileName: 'access.csv', content: csv },
    });
  });

  it('reads a UTF-8 file name as browsers send it, and only its last segment', async () => {
    serve({ maxFileBytes: 1000 });
    await expect(send(body([field('operations', OPERATIONS), field('map', MAP), file('0', ['a'], 'accès 😀.csv')]))).resolves.toMatchObject({
      json: { fileName: 'accès 😀.csv' },
    });
    await expect(send(body([field('operations', OPERATIONS), field('map', MAP), file('0', ['a'], 'C:\\\\data\\\\a.csv')]))).resolves.toMatchObject({
      json: { fileName: 'a.csv' },
    });
  });

  it('accepts a file of exactly maxFileBytes', async () => {
    serve({ maxFileBytes: 1000 });
    await expect(send(body(standard(['x'.repeat(1000)])))).resolves.toMatchObject({ status: 200, json: { content: 'x'.repeat(1000) } });
  });

  it('resolves when the file part begins, before the body is read to its end', async () => {
    let resolved!: () => void;
    const requestRead = new Promise<void>((resolve) => (resolved = resolve));
    harness.handle = async (req, res) => {
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
    await expect(send(body(standard(rest())))).resolves.toEqual({ status: 200, json: { content: 'a,b\n1,2\n' } });
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
    const { status, json } = await send(body(standard(generated())));
    expect(status).toBe(200);
    expect(json.content).toEqual({ bytes: size, sha256: sent.digest('hex') });
  });

  it('leaves the connection usable when the file is never read: dispose drains the body', async () => {
    harness.handle = async (req, res) => {
      const request = await readMultipartRequest(req, { maxFileBytes: 10 * 1024 * 1024 });
      reply(res, 200, { read: false });
      request.dispose();
    };
    for (let round = 0; round < 2; round++) {
      await expect(send(body(standard(csvRows(50_000))))).resolves.toEqual({ status: 200, json: { read: false } });
    }
  });
});
