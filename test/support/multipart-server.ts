import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Client } from 'undici';
import { MultipartRequestError } from '../../src/http/multipart-error';
import { readMultipartRequest, type MultipartLimits, type MultipartRequest } from '../../src/http/multipart-request';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { CsvError } from '../../src/upload/csv-error';
import { Upload } from '../../src/upload/upload';
import { multipartBody, type Content, type Part } from './upload-request';

/** The tests of http/multipart-request.ts: a bare node:http server whose handler each test sets, and a client. */

export const BOUNDARY = '----gateway-test-boundary';
export const OPERATIONS = JSON.stringify({
  query: 'mutation ($input: UploadSessionFileInput!) { uploadSessionFile(input: $input) { id } }',
  variables: { input: { catalogId: 'c', resourceId: 'r', uploadSessionId: 's', file: null } },
});
export const MAP = JSON.stringify({ 0: ['variables.input.file'] });

export const field = (name: string, value: string): Part => ({ name, value });
export const file = (name: string, content: Content, fileName = 'access.csv'): Part => ({ name, fileName, content });
export const standard = (content: Content): Part[] => [field('operations', OPERATIONS), field('map', MAP), file('0', content)];
/** The parts as a body with this file's boundary; `end: false` cuts it before the closing boundary. */
export const body = (parts: Part[], end = true) => multipartBody(parts, BOUNDARY, { end });

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function reply(res: ServerResponse, status: number, answer: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(answer));
}

export function refusal(error: unknown, phase: 'request' | 'stream') {
  if (error instanceof CsvError) return { phase, message: toGraphQLError(error).message };
  if (!(error instanceof MultipartRequestError)) return { phase, message: String(error) };
  return { phase, message: error.message, status: error.status, limitBytes: error.limitBytes };
}

export async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the server before the file's tests and stops it after them; a test sets `handle`, or calls `serve`. */
export function multipartServerPerFile() {
  let server: Server;
  let client: Client;
  const harness = {
    handle: (async () => undefined) as Handler,
    port: () => (server.address() as AddressInfo).port,
    /**
     * The server side of most tests: read the request, hand the file's stream to `consume`, answer with
     * what was seen, or with the refusal and where it came from (the request's shape, or the file's stream).
     */
    serve(limits: MultipartLimits, consume: (stream: Readable) => Promise<unknown> = text): void {
      harness.handle = async (req, res) => {
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
    },
    async send(sent: AsyncIterable<Buffer>, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
      const response = await client.request({ path: '/graphql', method: 'POST', headers: { 'content-type': contentType }, body: Readable.from(sent) });
      return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
    },
  };
  beforeAll(async () => {
    server = createServer((req, res) => void harness.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = new Client(`http://127.0.0.1:${harness.port()}`);
  });
  afterAll(async () => {
    await client.close();
    server.closeAllConnections();
    server.close();
  });
  return harness;
}
