import type { GraphPaths } from '../graph-paths';
import type { SessionKey } from '../odata/ids';
import { readPage, type PagedList } from '../odata/pages';
import { MAX_PAGE_SIZE } from '../odata/paging';
import { read } from '../transport/graph-answer';
import type { GraphTransport } from '../transport/graph-transport';
import type { GraphCall } from '../transport/graph-request';
import { MultipartFileBody, type OutgoingFile } from '../transport/multipart-body';
import { retryIdempotent } from '../transport/retry-policy';
import { notThere, there, verifiedWrite, type Write } from '../transport/verified-write';
import { toFile, toUploadSession, type UploadedFile, type UploadSession } from './upload-session';

export interface UploadPlace {
  paths: GraphPaths;
  transport: GraphTransport;
  /** The session read with `$expand=files`: the answer after a verified upload, its files included. */
  sessionWithFiles(): Promise<UploadSession>;
}

/** The session's files before the upload, as far as one page shows them. */
interface FilesBefore {
  files: UploadedFile[];
  /** The page holds every file of the session: only then can a new file be told from an old one. */
  whole: boolean;
}

/**
 * POST `…/uploadFile` with the file streamed as one multipart part (multipart-body.ts): undici pulls the body,
 * so the source is read only as fast as Graph takes it, and no whole file is ever held.
 * - Sent again only while none of the file has been read from its source (a connection refused, a 429/503/504
 *   answered before the first file byte was pulled): the source can be read once (the retry step asks the body).
 * - Before it, one page of the session's files (`$top=100`): what was there, to tell a landed file from a lost one.
 * - After its own ambiguous failure (the whole body went out and no answer says what became of it), the session
 *   is read with its files: a file that was not there before, with this name and the size sent, is the success.
 *   When the session held more files than that one page, a new file cannot be told apart: the failure stands
 *   (docs/errors.md). An upload is never verified after a refusal: one sent twice uploads two files, as Graph does.
 * - A source that throws (the CSV check, the size limit) aborts the request before the part's closing boundary,
 *   so nothing lands, and its error is thrown as it is.
 */
export async function uploadVerified(place: UploadPlace, key: SessionKey, file: OutgoingFile, call: GraphCall): Promise<UploadSession> {
  const body = new MultipartFileBody(file.fileName, file.body);
  try {
    const before = await filesBefore(place, key, call);
    const request = { method: 'POST', path: place.paths.uploadFile(key), stream: body, retryable: retryIdempotent, subject: 'upload session' } as const;
    const write = {
      name: 'upload',
      after: 'ambiguous',
      send: async () => read(await place.transport.send(request, call), (json) => toUploadSession(json, key)),
      alreadyThere: async () => {
        if (!before.whole) return notThere();
        const session = await place.sessionWithFiles();
        return hasNewFile(before.files, session.files ?? [], body.fileName, body.bytesSent) ? there(session) : notThere();
      },
    } satisfies Write<UploadSession>;
    return await verifiedWrite(write, call);
  } catch (error) {
    // Graph may answer (a 413, say) before the source's own refusal: the refusal is the caller's answer.
    throw body.sourceError ?? error;
  } finally {
    body.close();
  }
}

async function filesBefore(place: UploadPlace, key: SessionKey, call: GraphCall): Promise<FilesBefore> {
  const path = place.paths.files(key);
  const list: PagedList<UploadedFile> = {
    path,
    binding: '',
    checkLink: (link) => place.paths.pagingLinkPath(link, path, undefined),
    item: (json) => toFile(json),
  };
  const get = (pagePath: string) => place.transport.send({ method: 'GET', path: pagePath, retryable: retryIdempotent, subject: 'upload session' }, call);
  const page = await readPage(list, MAX_PAGE_SIZE, { skip: 0 }, get);
  return { files: page.items, whole: !page.hasNextPage };
}

/**
 * A file that was not in `before`: by id when Graph gives ids; ASSUMPTION for answers without ids (the Oct 2025
 * shape): one more file of this name and size than before.
 */
export function hasNewFile(before: UploadedFile[], after: UploadedFile[], name: string, size: number): boolean {
  const same = (file: UploadedFile) => file.name === name && file.size === size;
  const knownIds = new Set(before.map((file) => file.id));
  if (after.some((file) => file.id !== null && !knownIds.has(file.id) && same(file))) return true;
  const withoutId = (files: UploadedFile[]) => files.filter((file) => file.id === null && same(file)).length;
  return withoutId(after) > withoutId(before);
}
