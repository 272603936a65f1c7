import { GraphRequestError, type GraphFailure } from './graph-failure';
import type { GraphAnswer } from './graph-transport';
import { UnreadableSessionError } from './upload-session';

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
