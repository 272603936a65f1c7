import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReceivedBody } from './graphql-request';
import { MultipartRequestError } from './multipart-error';
import { readMultipartRequest } from './multipart-request';

/** JSON bodies only; an upload's file streams and has a limit of its own (UPLOAD_MAX_BYTES). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Headers a browser cannot send cross-site without a preflight: Apollo's CSRF prevention asks for one. */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'];

/**
 * Reads a POST body and says what it is: JSON (parsed), a multipart upload (its operation, the file still
 * streaming), other text, or a refusal for the GraphQL layer to render. Undefined when the caller left
 * before the body ended: there is no one to answer.
 */
export async function readRequestBody(req: IncomingMessage, res: ServerResponse, maxFileBytes: number): Promise<ReceivedBody | undefined> {
  if (req.method !== 'POST') return { kind: 'none' };
  if (isMultipart(req)) return readUpload(req, res, maxFileBytes);
  const read = await readText(req, MAX_BODY_BYTES);
  if (read === 'gone') return undefined;
  // The rest of the body is not read: the answer closes the connection once it has drained (lingering-close.ts).
  if (read === 'too-large') return { kind: 'refused', status: 413, message: 'The request body is larger than 1 MiB.' };
  if (!req.headers['content-type']?.toLowerCase().includes('json')) return { kind: 'text', value: read };
  if (read === '') return { kind: 'none' };
  try {
    return { kind: 'json', value: JSON.parse(read) };
  } catch {
    return { kind: 'refused', status: 400, message: 'The request body is not valid JSON.' };
  }
}

/**
 * The whole body as text, or why not. Stream events rather than `for await`: an async iterator per
 * request costs several promises per chunk on the hot path.
 */
function readText(req: IncomingMessage, limit: number): Promise<string | 'too-large' | 'gone'> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.off('end', onEnd);
      resolve('too-large');
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.once('end', onEnd);
    // A caller gone before the end of its body: settles once, whichever comes first (later calls are no-ops).
    req.once('error', () => resolve('gone'));
    req.once('close', () => resolve('gone'));
  });
}

/**
 * A GraphQL multipart request. A form post needs no preflight, so CSRF prevention is decided before a byte
 * of it is read; the file is then left for its resolver, and destroyed (the rest drained) if nobody reads it.
 */
async function readUpload(req: IncomingMessage, res: ServerResponse, maxFileBytes: number): Promise<ReceivedBody> {
  if (!PREFLIGHT_HEADERS.some((name) => req.headers[name])) {
    return {
      kind: 'refused',
      status: 400,
      message: `A multipart request must carry a non-empty ${PREFLIGHT_HEADERS.join(' or ')} header (CSRF prevention).`,
    };
  }
  try {
    const upload = await readMultipartRequest(req, { maxFileBytes });
    res.once('close', upload.dispose);
    return { kind: 'multipart', value: upload.body };
  } catch (error) {
    if (!(error instanceof MultipartRequestError)) throw error;
    return { kind: 'refused', status: error.status, message: error.message };
  }
}

export function isMultipart(req: IncomingMessage): boolean {
  return req.headers['content-type']?.toLowerCase().startsWith('multipart/form-data') ?? false;
}
