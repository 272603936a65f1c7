import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { RequestBody } from '../server/body-reader';
import { fileReceiver } from './file-handlers';
import { HttpError, badRequest, echo } from '../server/http-error';
import { refusal } from './session-refusals';
import type { SessionKey, SessionStore, StoredSession } from './session-store';

interface ReceivedFile {
  name: string;
  content: ReturnType<typeof fileReceiver>;
}

/**
 * `POST …/uploadSessions/{id}/uploadFile`: one multipart part `name="file"; filename="…"`, streamed.
 * Only its bytes are counted; the file is recorded only when the multipart body ended properly, so an
 * aborted, truncated or cut body leaves the session as it was.
 */
export async function uploadFile(req: IncomingMessage, body: RequestBody, store: SessionStore, key: SessionKey): Promise<StoredSession> {
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new HttpError(415, 'UnsupportedMediaType', 'Content-Type must be multipart/form-data.');
  }
  const writable = store.writable(key);
  if (writable.kind !== 'writable') throw refusal(writable.kind);
  let parser: busboy.Busboy;
  try {
    // Graph reads a file name as UTF-8 (busboy's default for a plain filename= is Latin-1).
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8' });
  } catch {
    throw badRequest('The multipart body has no boundary.');
  }
  const file = await receiveOneFile(body, parser);
  // The session may have been completed, expired or deleted while the file was flowing.
  const { size, ...received } = file.content.result();
  const outcome = store.addFile(key, file.name, size, received);
  if (outcome.kind !== 'added') throw refusal(outcome.kind);
  return outcome.session;
}

function receiveOneFile(body: RequestBody, parser: busboy.Busboy): Promise<ReceivedFile> {
  return new Promise((resolve, reject) => {
    let received: ReceivedFile | undefined;
    let problem: string | undefined;
    const source: Readable = body.stream();
    const fail = (error: unknown) => {
      source.unpipe(parser);
      body.discard();
      reject(error);
    };
    parser.on('file', (name, stream, { filename }) => {
      stream.on('error', () => undefined); // the parser reports a truncated part as its own error
      if (received || name !== 'file' || !filename) {
        problem ??= received ? 'The body must carry one file part only.' : 'The file part must be named "file" and carry a filename.';
        return void stream.resume();
      }
      const file: ReceivedFile = { name: filename, content: fileReceiver() };
      received = file;
      stream.on('data', (chunk: Buffer) => file.content.write(chunk));
    });
    parser.on('field', (name) => {
      problem ??= `Unexpected form field '${echo(name)}': the body must be one part named "file".`;
    });
    parser.on('error', (error: Error) => fail(badRequest(`The multipart body is malformed: ${error.message}.`)));
    source.on('error', fail);
    parser.on('finish', () => {
      if (problem) return reject(badRequest(problem));
      if (!received) return reject(badRequest('The body has no file part named "file".'));
      resolve(received);
    });
    source.pipe(parser);
  });
}
