import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readMultipartRequest } from '../../src/http/multipart-request';
import { csvCheck } from '../../src/upload/csv-check';
import { Upload } from '../../src/upload/upload';
import { body, BOUNDARY, field, file, MAP, multipartServerPerFile, OPERATIONS, refusal, reply, standard, text } from '../support/multipart-server';
import { csvRows, type Part } from '../support/upload-request';

/** http/multipart-request.ts on a bare server: what it refuses, in the request and in the file's stream. */
const harness = multipartServerPerFile();
const { serve, send } = harness;

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
    const { status, json } = await send(body(parts));
    expect(json).toMatchObject({ phase: 'request', message });
    expect(status).toBe(expectedStatus);
  });

  it('refuses a body that is not multipart', async () => {
    await expect(send(body([]), 'application/json')).resolves.toMatchObject({
      status: 400,
      json: { phase: 'request', message: 'The request is not multipart/form-data with a boundary.' },
    });
  });

  it('refuses a body cut before its closing boundary', async () => {
    await expect(send(body([field('operations', OPERATIONS)], false))).resolves.toMatchObject({
      status: 400,
      json: { phase: 'request', message: 'The multipart body is malformed: Unexpected end of form.' },
    });
  });

  it('places an Upload in a list, as the spec allows', async () => {
    harness.handle = async (req, res) => {
      const request = await readMultipartRequest(req, { maxFileBytes: 10 });
      const files = request.body.variables?.files as unknown[];
      reply(res, 200, { isUpload: files[1] instanceof Upload, content: await text((await request.uploads[0]!.file).stream) });
    };
    const operations = JSON.stringify({ query: 'mutation ($files: [Upload]) { x(files: $files) }', variables: { files: ['a', null] } });
    const parts = [field('operations', operations), field('map', JSON.stringify({ f: ['variables.files.1'] })), file('f', ['a,b'])];
    await expect(send(body(parts))).resolves.toEqual({ status: 200, json: { isUpload: true, content: 'a,b' } });
  });
});

describe('failures of the file stream (the resolver sees them)', () => {
  it('fails the stream of the first file, rather than ending it, when a second file follows', async () => {
    serve({ maxFileBytes: 1000 });
    const parts = [...standard(['a,b\n1,2\n']), file('1', ['c,d\n'])];
    await expect(send(body(parts))).resolves.toEqual({
      status: 422,
      json: { phase: 'stream', status: 400, message: 'A multipart request may carry one file only: a second file was sent.' },
    });
  });

  it('fails the stream, with limitBytes, when the file is larger than maxFileBytes', async () => {
    serve({ maxFileBytes: 1000 });
    const parts = standard(['x'.repeat(600), 'x'.repeat(401), 'x'.repeat(100_000)]);
    await expect(send(body(parts))).resolves.toEqual({
      status: 422,
      json: { phase: 'stream', status: 413, message: 'The file is larger than the limit of 1000 bytes.', limitBytes: 1000 },
    });
  });

  it('hands on no more than maxFileBytes before failing', async () => {
    let handedOn = 0;
    serve({ maxFileBytes: 1000 }, async (stream) => {
      for await (const chunk of stream) handedOn += (chunk as Buffer).length;
    });
    await expect(send(body(standard(['x'.repeat(999), 'xx'])))).resolves.toMatchObject({ status: 422 });
    expect(handedOn).toBeLessThanOrEqual(1000);
  });

  it('fails the stream, rather than ending it, when the client goes away mid-file', async () => {
    const outcome = new Promise<unknown>((resolve) => {
      harness.handle = async (req) => {
        const request = await readMultipartRequest(req, { maxFileBytes: 10 * 1024 * 1024 });
        const { stream } = await request.uploads[0]!.file;
        stream.once('data', () => socket.destroy()); // the first bytes are in: now the caller leaves
        resolve(text(stream).then((content) => ({ ended: content.length }), (error: unknown) => refusal(error, 'stream')));
      };
    });
    const socket = connect(harness.port(), '127.0.0.1');
    socket.on('error', () => undefined);
    const head: Buffer[] = [];
    for await (const chunk of body([field('operations', OPERATIONS), field('map', MAP)], false)) head.push(chunk);
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
    await expect(send(body(standard(csvRows(100_000, { bad: 1234 }))))).resolves.toEqual({
      status: 422,
      json: { phase: 'stream', message: 'The CSV file is invalid at line 1234, column 4: a quote inside an unquoted field; quote the whole field and double the quote ("").' },
    });
    await expect(send(body(standard(csvRows(10))))).resolves.toMatchObject({ status: 200 });
  });
});
