import { timeLeft, useNow, type AccessReviewItem, type AccessReviews } from './use-access-reviews';

/** Reviews whose page lists what reviewers decided: the owner records removals while APPLYING. */
const DECIDED = new Set(['APPLYING', 'APPLIED']);

interface ReviewListProps {
  list: AccessReviews & { refresh(): void };
  disabled: boolean;
  selectedId: string | undefined;
  onCreateSession(review: AccessReviewItem): void;
  onOpenSession(uploadSessionId: string): void;
  onOpenReview(review: AccessReviewItem): void;
}

/**
 * The catalog's reviews of the resource, newest first. A review that needs the resource's data shows the time
 * left in its upload window and creates its session with its own ids: nothing is copied out of the admin centre.
 */
export function ReviewList({ list, disabled, selectedId, onCreateSession, onOpenSession, onOpenReview }: ReviewListProps) {
  const now = useNow(30_000);
  const { reviews } = list;
  const waiting = reviews?.filter((review) => review.needsUpload).length ?? 0;
  return (
    <div className="review-list">
      <p className="count">
        {reviews === null ? (list.loading ? 'Loading…' : '') : `${reviews.length}${list.more ? ' newest' : ''} review(s), ${waiting} waiting for your data`}
        <button type="button" className="link refresh" disabled={list.loading} onClick={list.refresh}>
          Refresh
        </button>
      </p>
      <ul aria-label="Access reviews">
        {(reviews ?? []).map((review) => (
          <li key={review.id} aria-current={review.id === selectedId ? 'true' : undefined} className={review.needsUpload ? 'needs-upload' : undefined}>
            <strong>{review.displayName ?? 'Access review'}</strong>
            <span className={`status status-${review.status.toLowerCase()}`}>{review.status}</span>
            {review.needsUpload ? (
              <span className="deadline" data-testid="time-left">
                {review.uploadDeadline ? timeLeft(review.uploadDeadline, now) : 'needs your data'}
              </span>
            ) : null}
            <span className="muted">instance {review.id}</span>
            <ReviewActions review={review} disabled={disabled} onCreateSession={onCreateSession} onOpenSession={onOpenSession} onOpenReview={onOpenReview} />
          </li>
        ))}
      </ul>
    </div>
  );
}

type ReviewActionsProps = Pick<ReviewListProps, 'disabled' | 'onCreateSession' | 'onOpenSession' | 'onOpenReview'> & { review: AccessReviewItem };

/** Only what the review's phase allows: a session while it waits for data, its decisions once decided. */
function ReviewActions({ review, disabled, onCreateSession, onOpenSession, onOpenReview }: ReviewActionsProps) {
  const session = review.uploadSession;
  return (
    <span className="row-actions">
      {review.needsUpload && !session ? (
        <button type="button" disabled={disabled} onClick={() => onCreateSession(review)}>
          Create session
        </button>
      ) : null}
      {session ? (
        <button type="button" className="link" onClick={() => onOpenSession(session.id)}>
          Session {session.status}
        </button>
      ) : null}
      {DECIDED.has(review.status) ? (
        <button type="button" onClick={() => onOpenReview(review)}>
          Open review
        </button>
      ) : null}
    </span>
  );
}
