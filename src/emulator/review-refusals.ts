import { HttpError } from './http-error';

/**
 * ASSUMPTION (Graph documents none of these): the status and code the emulator answers when an
 * instance's phase forbids the request. Change them here.
 */
export const REVIEW_REFUSALS = Object.freeze({
  /** Batch apply, or an apply result by PATCH, on an instance that is not Applying. */
  notApplying: { status: 409, code: 'AccessReviewInstanceNotApplying' },
  /** A reviewer's decision on an instance that is not InProgress. */
  notInProgress: { status: 409, code: 'AccessReviewInstanceNotInProgress' },
  /** Beta's batch apply without `x-accessreviews-version: vNext`. */
  missingVersionHeader: { status: 400, code: 'BadRequest' },
});

export function notApplying(status: string): HttpError {
  const { status: http, code } = REVIEW_REFUSALS.notApplying;
  return new HttpError(http, code, `Apply results can be recorded only while the review instance is Applying; it is ${status}.`);
}

export function notInProgress(status: string): HttpError {
  const { status: http, code } = REVIEW_REFUSALS.notInProgress;
  return new HttpError(http, code, `Reviewers decide only while the review instance is InProgress; it is ${status}.`);
}

export function missingVersionHeader(): HttpError {
  const { status, code } = REVIEW_REFUSALS.missingVersionHeader;
  return new HttpError(status, code, 'This action requires the header x-accessreviews-version: vNext.');
}

export function reviewNotFound(what: 'definition' | 'instance' | 'decision'): HttpError {
  return new HttpError(404, 'ResourceNotFound', `The access review ${what} was not found.`);
}
