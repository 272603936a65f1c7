import { HttpError, notFound } from '../server/http-error';

/**
 * ASSUMPTIONS (Graph documents none of these answers; the emulator invented them, and a client that
 * branches on them must know that): how the emulator refuses an operation a session's or an access
 * review instance's state forbids.
 * Each is chosen here and only here.
 */
export const ASSUMED_REFUSALS = Object.freeze({
  /** A create while the review instance and resource already have an active session. */
  createWhileActive: { status: 409, code: 'uploadSessionAlreadyExists' },
  /** A create when the pair's session is complete. */
  createWhenCompleted: { status: 409, code: 'uploadSessionAlreadyCompleted' },
  /** Completing twice, deleting a completed session, uploading into one or changing its files. */
  changeCompleted: { status: 409, code: 'uploadSessionAlreadyCompleted' },
  /** Completing an expired session, uploading into one or changing its files. */
  changeExpired: { status: 409, code: 'uploadSessionExpired' },
  /** A PATCH body other than `{"isUploadDone": true}` (`false` included). */
  otherUpdate: { status: 400, code: 'BadRequest' },
  /** Batch apply, or an apply result by PATCH, on a review instance that is not Applying (Applied included). */
  reviewNotApplying: { status: 409, code: 'AccessReviewInstanceNotApplying' },
  /** A reviewer's decision on a review instance that is not InProgress. */
  reviewNotInProgress: { status: 409, code: 'AccessReviewInstanceNotInProgress' },
  /** Beta's batch apply on the classic route without `x-accessreviews-version: vNext`. */
  reviewWithoutVersionHeader: { status: 400, code: 'BadRequest' },
});

export type AssumedRefusal = keyof typeof ASSUMED_REFUSALS;

/** The refusal chosen for `kind`, with its message. */
export function assumedRefusal(kind: AssumedRefusal, message: string): HttpError {
  const { status, code } = ASSUMED_REFUSALS[kind];
  return new HttpError(status, code, message);
}

/** Graph's answer when the session a request names is missing or in a state that forbids the change. */
export function refusal(kind: 'not-found' | 'already-complete' | 'expired'): HttpError {
  switch (kind) {
    case 'not-found':
      return notFound();
    case 'already-complete':
      return assumedRefusal('changeCompleted', 'The upload session is already complete.');
    case 'expired':
      return assumedRefusal('changeExpired', 'The upload session has expired.');
  }
}
