import { HttpError } from '../server/http-error';
import { assumedRefusal } from '../upload-sessions/session-refusals';

/** The refusals of the access review paths; their status and code are the emulator's own (ASSUMED_REFUSALS). */
export function notApplying(status: string): HttpError {
  return assumedRefusal('reviewNotApplying', `Apply results can be recorded only while the review instance is Applying; it is ${status}.`);
}

export function notInProgress(status: string): HttpError {
  return assumedRefusal('reviewNotInProgress', `Reviewers decide only while the review instance is InProgress; it is ${status}.`);
}

export function missingVersionHeader(): HttpError {
  return assumedRefusal('reviewWithoutVersionHeader', 'This action requires the header x-accessreviews-version: vNext.');
}

export function reviewNotFound(what: 'definition' | 'instance' | 'decision'): HttpError {
  return new HttpError(404, 'ResourceNotFound', `The access review ${what} was not found.`);
}
