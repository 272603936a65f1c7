import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { request } from 'undici';
import type { GraphQLAnswer } from './gateway';

/** A GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec), built by hand as it is sent. */

export type Content = Iterable<Buffer | string> | AsyncIterable<Buffer | string>;
export type Part = { name: string; value: string } | { name: string; fileName: string; type?: string; content: Content };

export const CSV_HEADER = 'principalId,principalType,permissionId,permissionName,permissionDescription,permissionType\r\n';

export const UPLOAD_FILE = `mutation Upload($input: UploadSessionFileInput!) {
  uploadSessionFile(input: $input) { id stats { filesUploaded totalBytesUploaded } files { id name size } } }`;

/** `operations`, `map` and the one file of an `uploadSessionFile` request for `session`. */
export function uploadParts(session: { catalogId: string; resourceId: string; uploadSessionId: string }, content: Content, fileName = 'access.csv'): Part[] {
  return [
    { name: 'operations', value: JSON.stringify({ query: UPLOAD_FILE, variables: { input: { ...session, file: null } } }) },
    { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'] }) },
    { name: '0', fileName, content },
  ];
}

/** The parts as a multipart body, made as it is read; `end: false` leaves out the closing boundary (a cut body). */
export async function* multipartBody(parts: Part[], boundary: string, { end = true } = {}): AsyncGenerator<Buffer> {
  for (const part of parts) {
    if ('value' in part) {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`);
      continue;
    }
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\nContent-Type: ${part.type ?? 'text/csv'}\r\n\r\n`);
    for await (const chunk of part.content) yield Buffer.from(chunk);
    yield Buffer.from('\r\n');
  }
  if (end) yield Buffer.from(`--${boundary}--\r\n`);
}

export interface MultipartOptions {
  /** Apollo's CSRF prevention asks for it; a test leaves it out with `{}`. */
  headers?: Record<string, string>;
  /** Aborting it destroys the request mid-body, as a caller closing its tab does. */
  signal?: AbortSignal;
}

/** POSTs the parts as one streamed multipart body (undici pulls it: nothing is built whole in memory). */
export async function postMultipart(url: URL, parts: Part[], { headers = { 'apollo-require-preflight': 'true' }, signal }: MultipartOptions = {}): Promise<GraphQLAnswer> {
  const boundary = `----test-${randomUUID()}`;
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers },
    body: Readable.from(multipartBody(parts, boundary)),
    signal,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: JSON.parse(text) };
}

/**
 * A valid CSV of `rows` rows after the header, made while it is read, in chunks of about 64 KiB;
 * line `bad` (1 is the header) gets a quote inside an unquoted field. Reports every byte it yields.
 */
export async function* csvRows(rows: number, { bad, onBytes }: { bad?: number; onBytes?: (bytes: number) => void } = {}): AsyncGenerator<Buffer> {
  let chunk = CSV_HEADER;
  for (let line = 2; line <= rows + 1; line++) {
    chunk +=
      line === bad
        ? `${line},EntraIdUser,p${line},Read"x,Reads,Role\r\n`
        : `00000000-0000-4000-8000-${String(line).padStart(12, '0')},EntraIdUser,p${line},Read,"Reads, ""all""",Role\r\n`;
    if (chunk.length >= 64 * 1024) {
      const bytes = Buffer.from(chunk);
      onBytes?.(bytes.length);
      yield bytes;
      chunk = '';
    }
  }
  if (chunk) {
    const bytes = Buffer.from(chunk);
    onBytes?.(bytes.length);
    yield bytes;
  }
}

/**
 * A caller that leaves mid-upload: rows flow until `graphStarted()` (the gateway has opened Graph's request)
 * and 1 MB more has passed, then `caller` is aborted, which destroys the request, as closing a tab does.
 */
export async function* rowsThenLeave(graphStarted: () => boolean, caller: AbortController): AsyncGenerator<Buffer> {
  let afterStart = 0;
  for await (const chunk of csvRows(10_000_000)) {
    yield chunk;
    if (graphStarted()) afterStart += chunk.length;
    if (afterStart > 1024 * 1024) break;
  }
  caller.abort();
  await once(caller.signal, 'abort');
}
