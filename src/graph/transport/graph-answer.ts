import { GraphRequestError, type GraphFailure } from './graph-failure';
import type { GraphAnswer } from './graph-request';
import { UnreadableAnswerError } from '../odata/json-readers';

/** Maps a 2xx answer; a body without the expected shape is an `unreadable` failure carrying the answer's ids. */
export function read<T>(answer: GraphAnswer, map: (json: unknown) => T): T {
  try {
    return map(answer.json);
  } catch (error) {
    if (!(error instanceof UnreadableAnswerError)) throw error;
    throw unreadable(answer, `the answer cannot be read: ${error.message}`);
  }
}

/** A 2xx the gateway cannot read: Graph did act on the request, whatever it was. */
export function unreadable(answer: GraphAnswer, message: string): GraphRequestError {
  const { status, requestId, clientRequestId } = answer;
  return new GraphRequestError({ kind: 'unreadable', message, mayHaveLanded: true, status, requestId, clientRequestId });
}

/** The outcome is unknown: Graph may or may not have acted on the request (the attempt said so). */
export function isAmbiguous(failure: GraphFailure): boolean {
  return failure.mayHaveLanded;
}

/**
 * Graph answered about the thing asked for (its state, its existence), as opposed to who is asking (401,
 * 403) or how often (429): after such an answer, what the write asked for may be there all the same.
 */
export function isRefusal(failure: GraphFailure): boolean {
  const status = failure.kind === 'http' ? (failure.status ?? 0) : 0;
  return status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429;
}
