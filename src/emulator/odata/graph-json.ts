import { FILE_TYPE, sortBy } from './odata-order';
import { applySelect, type CollectionQuery } from './odata-query';
import type { StoredFile, StoredSession } from '../upload-sessions/session-store';

/** `$expand=files` with no nested options: every file, in upload order. */
export const ALL_FILES: CollectionQuery = { select: undefined, order: [], top: undefined, offset: 0, count: false };

const SESSION_TYPE = '#microsoft.graph.customDataProvidedResourceUploadSession';
/** The derived type Graph creates and answers with for a session created for an access review. */
export const ACCESS_REVIEW_SESSION_TYPE = '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession';

/** A stored session in Graph's JSON, in the shape the session was seeded with; files as `$expand=files(…)` asks. */
export function sessionJson(session: StoredSession, expand?: CollectionQuery): Record<string, unknown> {
  const stats = {
    filesUploaded: session.files.length,
    totalBytesUploaded: session.files.reduce((total, file) => total + file.size, 0),
  };
  if (session.shape === 'legacy') {
    return {
      id: session.key.uploadSessionId,
      status: session.status[0]!.toUpperCase() + session.status.slice(1),
      isUploadDone: session.isUploadDone,
      referenceId: session.referenceId,
      stats,
      files: session.files.map(({ name, size, uploadedDateTime }) => ({ name, size, uploadedDateTime })),
      createdDateTime: session.createdDateTime,
      expirationDateTime: session.expirationDateTime,
    };
  }
  return {
    '@odata.type': session.data ? ACCESS_REVIEW_SESSION_TYPE : SESSION_TYPE,
    id: session.key.uploadSessionId,
    createdDateTime: session.createdDateTime,
    isUploadDone: session.isUploadDone,
    referenceId: session.referenceId,
    status: session.status,
    stats,
    ...(session.data ? { data: { ...session.data } } : {}),
    ...(expand && expandedFiles(session.files, expand)),
  };
}

/** The files `$expand=files(…)` asks for: ordered, sliced and selected, with their count when asked. */
function expandedFiles(files: readonly StoredFile[], query: CollectionQuery): Record<string, unknown> {
  const ordered = sortBy(files, query.order, FILE_TYPE, fileValue);
  const end = query.top === undefined ? ordered.length : query.offset + query.top;
  return {
    ...(query.count && { 'files@odata.count': files.length }),
    files: ordered.slice(query.offset, end).map((file) => applySelect(fileJson(file), query.select)),
  };
}

/** A file's property as `$orderby` compares it. */
export function fileValue(file: StoredFile, property: string): string | number {
  return file[property as 'id' | 'name' | 'size' | 'uploadedDateTime'];
}

export function fileJson(file: StoredFile): Record<string, unknown> {
  return { id: file.id, name: file.name, size: file.size, uploadedDateTime: file.uploadedDateTime };
}

/**
 * Puts `@odata.context` first, as Graph does. The legacy shape copies the Oct 2025 example, which has none
 * (ASSUMPTION: a legacy session's own answers stay exactly as the seed page shows them).
 */
export function withContext(context: string, json: Record<string, unknown>, shape: StoredSession['shape'] = 'current'): Record<string, unknown> {
  return shape === 'legacy' ? json : { '@odata.context': context, ...json };
}

/** Graph's error envelope. */
export function errorJson(code: string, message: string, requestId: string, clientRequestId: string | undefined): Record<string, unknown> {
  return {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString(), 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId },
    },
  };
}
