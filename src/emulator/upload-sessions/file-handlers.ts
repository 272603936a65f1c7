import type { SessionKey } from './session-store';
import type { RequestBody } from '../server/body-reader';
import { CsvRowCollector } from './csv-rows';
import { fileJson, fileValue, withContext } from '../odata/graph-json';
import { HttpError, notFound } from '../server/http-error';
import { FILE_TYPE, sortBy } from '../odata/odata-order';
import { applySelect, collectionPage, parseFilesQuery, parseSelectOnly } from '../odata/odata-query';
import { context, existing, requestUrl, type Answer, type Place } from './session-handlers';
import { refusal } from './session-refusals';
import type { ReceivedContent, SessionStore, StoredFile } from './session-store';

/**
 * ASSUMPTION (an emulator limit, not Graph's): the content of a file is kept in memory up to 1 MiB, so
 * `GET …/files/{id}/$value` can serve it; a larger file's content (and the seed's) is not kept.
 */
export const MAX_KEPT_CONTENT_BYTES = 1024 * 1024;

/** `GET …/files`: paged as the sessions are, `$orderby`, `$select`, `$count` honoured. */
export function listFiles(store: SessionStore, place: Place, key: SessionKey): Answer {
  const query = parseFilesQuery(place.url.searchParams);
  const files = sortBy(existing(store, key).files, query.order, FILE_TYPE, fileValue);
  const { count, page, nextLink } = collectionPage(files, query, requestUrl(place));
  return {
    status: 200,
    body: {
      '@odata.context': context(place, `/${key.uploadSessionId}/files`),
      ...(count !== undefined && { '@odata.count': count }),
      value: page.map((file) => applySelect(fileJson(file), query.select)),
      ...(nextLink && { '@odata.nextLink': nextLink }),
    },
  };
}

export function countFiles(store: SessionStore, key: SessionKey): Answer {
  return { status: 200, text: String(existing(store, key).files.length) };
}

export function getFile(store: SessionStore, place: Place, key: SessionKey, fileId: string): Answer {
  const select = parseSelectOnly(place.url.searchParams, FILE_TYPE);
  return { status: 200, body: withContext(context(place, `/${key.uploadSessionId}/files/$entity`), applySelect(fileJson(existingFile(store, key, fileId)), select)) };
}

/** `GET …/files/{id}/$value`: the file's bytes, as uploaded. */
export function getFileContent(store: SessionStore, key: SessionKey, fileId: string): Answer {
  const file = existingFile(store, key, fileId);
  if (file.content === undefined && file.size > 0) {
    throw new HttpError(501, 'NotImplemented', `The emulator keeps the content of files up to ${MAX_KEPT_CONTENT_BYTES} bytes; this file's was not kept.`);
  }
  return { status: 200, bytes: file.content ?? Buffer.alloc(0) };
}

/** `PUT …/files/{id}/$value`: replaces the file's content with the body (any content type), streamed. */
export async function putFileContent(body: RequestBody, store: SessionStore, key: SessionKey, fileId: string): Promise<Answer> {
  existingFile(store, key, fileId);
  const writable = store.writable(key);
  if (writable.kind !== 'writable') throw refusal(writable.kind);
  const { size, ...received } = await receive(body);
  const outcome = store.replaceContent(key, fileId, size, received);
  if (outcome.kind === 'file-not-found') throw notFound('file');
  if (outcome.kind !== 'replaced') throw refusal(outcome.kind);
  return { status: 204 };
}

/** `DELETE …/files/{id}/$value`: ASSUMPTION (undocumented): the content is emptied (size 0), the file stays listed. */
export function deleteFileContent(store: SessionStore, key: SessionKey, fileId: string): Answer {
  existingFile(store, key, fileId);
  const outcome = store.replaceContent(key, fileId, 0);
  if (outcome.kind === 'file-not-found') throw notFound('file');
  if (outcome.kind !== 'replaced') throw refusal(outcome.kind);
  return { status: 204 };
}

/** Reads a file's bytes as they flow: counts them, keeps them up to MAX_KEPT_CONTENT_BYTES, collects its first CSV rows. */
export function fileReceiver(): { write(chunk: Buffer): void; result(): ReceivedContent & { size: number } } {
  let size = 0;
  let chunks: Buffer[] | undefined = [];
  const rows = new CsvRowCollector();
  return {
    write(chunk) {
      size += chunk.length;
      if (size > MAX_KEPT_CONTENT_BYTES) chunks = undefined;
      chunks?.push(chunk);
      rows.write(chunk);
    },
    result: () => ({ size, rows: rows.rows(), ...(chunks && { content: Buffer.concat(chunks) }) }),
  };
}

async function receive(body: RequestBody): Promise<ReceivedContent & { size: number }> {
  const receiver = fileReceiver();
  for await (const chunk of body.stream() as AsyncIterable<Buffer>) receiver.write(chunk);
  return receiver.result();
}

function existingFile(store: SessionStore, key: SessionKey, fileId: string): StoredFile {
  const file = existing(store, key).files.find((candidate) => candidate.id.toLowerCase() === fileId.toLowerCase());
  if (!file) throw notFound('file');
  return file;
}
