import { GraphRequestError, type GraphFailure } from './graph-failure';
import type { GraphAnswer } from './graph-transport';
import { UnreadableSessionError, type UploadedFile } from '../upload-sessions/upload-session';

/** Maps a 2xx answer; a body without the expected shape is an `unreadable` failure carrying the answer's ids. */
export function read<T>(answer: GraphAnswer, map: (json: unknown) => T): T {
  try {
    return map(answer.json);
  } catch (error) {
    if (!(error instanceof UnreadableSessionError)) throw error;
    throw unreadable(answer, `the answer cannot be read: ${error.message}`);
  }
}

export function unreadable(answer: GraphAnswer, message: string): GraphRequestError {
  return new GraphRequestError({ kind: 'unreadable', message, status: answer.status, requestId: answer.requestId, clientRequestId: answer.clientRequestId });
}

/** The outcome is unknown: Graph may or may not have acted on the request. */
export function isAmbiguous(failure: GraphFailure): boolean {
  switch (failure.kind) {
    case 'network':
    case 'timeout':
    case 'unreadable':
      return true;
    case 'http':
      return (failure.status ?? 0) >= 500 && failure.status !== 503;
    default:
      return false;
  }
}

/** A 4xx that says "not in this state", as opposed to who is asking, what is asked for, or how often. */
export function isRefusal(error: unknown): error is GraphRequestError {
  const status = error instanceof GraphRequestError && error.failure.kind === 'http' ? (error.failure.status ?? 0) : 0;
  return status >= 400 && status < 500 && ![401, 403, 404, 429].includes(status);
}

/**
 * A file that was not in `before`: by id when Graph gives ids; ASSUMPTION for answers without ids
 * (the Oct 2025 shape): one more file of this name and size than before.
 */
export function hasNewFile(before: UploadedFile[], after: UploadedFile[], name: string, size: number): boolean {
  const same = (file: UploadedFile) => file.name === name && file.size === size;
  const knownIds = new Set(before.map((file) => file.id));
  if (after.some((file) => file.id !== null && !knownIds.has(file.id) && same(file))) return true;
  const withoutId = (files: UploadedFile[]) => files.filter((file) => file.id === null && same(file)).length;
  return withoutId(after) > withoutId(before);
}

/** An answer that cannot be read as a whole (no one answer to blame). */
export function unreadableAnswer(message: string): GraphRequestError {
  return new GraphRequestError({ kind: 'unreadable', message });
}
