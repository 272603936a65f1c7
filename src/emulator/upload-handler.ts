import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { RequestBody } from './body-reader';
import { CsvRowCollector } from './csv-rows';
import { HttpError, badRequest } from './http-error';
import { refusal } from './session-refusals';
import type { SessionKey, SessionStore, StoredSession } from './session-store';

interface ReceivedFile {
  name: string;
  size: number;
  rows: CsvRowCollector;
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
    parser = busboy({ headers: req.headers });
  } catch {
    throw badRequest('The multipart body has no boundary.');
  }
  const file = await receiveOneFile(body, parser);
  // The session may have been completed, expired or deleted while the file was flowing.
  const outcome = store.addFile(key, file.name, file.size, file.rows.rows());
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
      const file: ReceivedFile = { name: filename, size: 0, rows: new CsvRowCollector() };
      received = file;
      stream.on('data', (chunk: Buffer) => {
        file.size += chunk.length;
        file.rows.write(chunk);
      });
    });
    parser.on('field', (name) => {
      problem ??= `Unexpected form field '${name}': the body must be one part named "file".`;
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
