import type { StoredFile, StoredSession } from './session-store';

const SESSION_TYPE = '#microsoft.graph.customDataProvidedResourceUploadSession';
/** The derived type Graph creates and answers with for a session created for an access review. */
export const ACCESS_REVIEW_SESSION_TYPE = '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession';

/** A stored session in Graph's JSON, in the shape the session was seeded with. */
export function sessionJson(session: StoredSession, { expandFiles = false } = {}): Record<string, unknown> {
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
    ...(expandFiles ? { files: session.files.map(fileJson) } : {}),
  };
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
