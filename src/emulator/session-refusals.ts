import { HttpError, notFound } from './http-error';

/**
 * ASSUMPTION (Graph documents none of these codes): the 409 codes the emulator answers when a session's
 * state forbids the operation. Change them here.
 */
export const CONFLICT_CODES = Object.freeze({
  alreadyExists: 'uploadSessionAlreadyExists',
  alreadyCompleted: 'uploadSessionAlreadyCompleted',
  expired: 'uploadSessionExpired',
});

export function alreadyCompleted(): HttpError {
  return new HttpError(409, CONFLICT_CODES.alreadyCompleted, 'The upload session is already complete.');
}

export function expired(): HttpError {
  return new HttpError(409, CONFLICT_CODES.expired, 'The upload session has expired.');
}

/** Graph's answer when the session a request names is missing or in a state that forbids the change. */
export function refusal(kind: 'not-found' | 'already-complete' | 'expired'): HttpError {
  switch (kind) {
    case 'not-found':
      return notFound();
    case 'already-complete':
      return alreadyCompleted();
    case 'expired':
      return expired();
  }
}
