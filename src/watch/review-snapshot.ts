import type { AccessReviewInstance } from '../graph/access-reviews/review';
import { needsUpload } from '../graph/access-reviews/review-client';
import type { UploadSession } from '../graph/upload-sessions/upload-session';
import type { ObservedInstance } from './transitions';
import type { ReviewSnapshot, SessionSnapshot } from './review-event';

/** What the transition rules need of an instance and the resource's session for it. */
export function observe(instance: AccessReviewInstance, sessions: ReadonlyMap<string, UploadSession>): ObservedInstance {
  return {
    id: instance.id,
    status: instance.status,
    uploadDeadline: instance.uploadDeadline?.getTime() ?? null,
    uploadDone: sessions.get(instance.id.toLowerCase())?.isUploadDone ?? false,
  };
}

/** The instance as `accessReviews` serves it (needsUpload as of `now`), with its session's id, status and stats: no files. */
export function reviewSnapshot(instance: AccessReviewInstance, sessions: ReadonlyMap<string, UploadSession>, now: number): ReviewSnapshot {
  const session = sessions.get(instance.id.toLowerCase());
  return {
    id: instance.id,
    reviewDefinitionId: instance.reviewDefinitionId,
    displayName: instance.displayName,
    status: instance.status,
    startDateTime: iso(instance.startDateTime),
    endDateTime: iso(instance.endDateTime),
    uploadDeadline: iso(instance.uploadDeadline),
    needsUpload: needsUpload(instance, sessions, now),
    uploadSession: session ? sessionSnapshot(session) : null,
  };
}

function sessionSnapshot(session: UploadSession): SessionSnapshot {
  return {
    id: session.id,
    status: session.status,
    isUploadDone: session.isUploadDone,
    referenceId: session.referenceId,
    stats: { ...session.stats },
    createdDateTime: iso(session.createdDateTime),
    expirationDateTime: iso(session.expirationDateTime),
  };
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
