import { formatDate, formatDeadline, timeLeft, uploadWindow, useNow, type UploadWindow } from './time';
import type { AccessReviewItem, AccessReviewList } from './use-access-reviews';
import type { LiveState } from './use-review-events';

/** Reviews whose page lists what reviewers decided: the owner records removals while APPLYING. */
const DECIDED = new Set(['APPLYING', 'APPLIED']);

interface ReviewListProps {
  list: AccessReviewList;
  live: LiveState;
  disabled: boolean;
  selectedId: string | undefined;
  onCreateSession(review: AccessReviewItem): void;
  onOpenSession(uploadSessionId: string): void;
  onOpenReview(review: AccessReviewItem): void;
}

/**
 * The catalog's reviews of the resource, newest first, kept current by live events. A review that needs the
 * resource's data counts down to its deadline and creates its session with its own ids; one whose window closed
 * says so, and offers nothing to upload into.
 */
export function ReviewList({ list, live, disabled, selectedId, onCreateSession, onOpenSession, onOpenReview }: ReviewListProps) {
  const now = useNow(15_000);
  const reviews = (list.reviews ?? []).map((review) => ({ review, window: uploadWindow(review, now, list.missed) }));
  const waiting = reviews.filter(({ window }) => window.kind === 'open').length;
  const missed = reviews.filter(({ window }) => window.kind === 'missed').length;
  return (
    <div className="review-list">
      <p className="count">
        {list.reviews === null ? (list.loading ? 'Loading…' : '') : `${reviews.length}${list.more ? ' newest' : ''} review(s), ${waiting} waiting for your data${missed ? `, ${missed} missed` : ''}`}
        <button type="button" className="link refresh" disabled={list.loading} onClick={list.refresh}>
          Refresh
        </button>
        <LiveStatus live={live} />
      </p>
      <ul aria-label="Access reviews">
        {reviews.map(({ review, window }) => (
          <li key={review.id} aria-current={review.id === selectedId ? 'true' : undefined} className={`window-${window.kind}`}>
            <strong>{review.displayName ?? 'Access review'}</strong>
            <span className={`status status-${review.status.toLowerCase()}`}>{review.status}</span>
            <WindowLabel window={window} now={now} />
            <span className="dates">
              {formatDate(review.startDateTime)} to {formatDate(review.endDateTime)}
            </span>
            <span className="muted">instance {review.id}</span>
            <span className="row-actions">
              {window.kind === 'open' && !review.uploadSession ? (
                <button type="button" disabled={disabled} onClick={() => onCreateSession(review)}>
                  Create session
                </button>
              ) : null}
              {review.uploadSession ? (
                <button type="button" className="link" onClick={() => onOpenSession(review.uploadSession!.id)}>
                  Session {review.uploadSession.status}
                </button>
              ) : null}
              {DECIDED.has(review.status) ? (
                <button type="button" onClick={() => onOpenReview(review)}>
                  Open review
                </button>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The countdown and the deadline on the owner's clock; urgent below 30 minutes; a red "missed" once closed. */
function WindowLabel({ window, now }: { window: UploadWindow; now: number }) {
  if (window.kind === 'none') return null;
  const at = window.deadline === null ? null : formatDeadline(window.deadline);
  if (window.kind === 'missed') {
    return (
      <span className="window">
        <span className="missed" data-testid="window-missed">
          missed
        </span>
        <span className="deadline-at" data-testid="deadline">
          {at ? `upload window closed ${at}` : 'upload window closed'}
        </span>
      </span>
    );
  }
  return (
    <span className="window">
      <span className={window.urgent ? 'deadline urgent' : 'deadline'} data-testid="time-left">
        {window.deadline === null ? 'needs your data' : timeLeft(window.deadline, now)}
      </span>
      {at ? (
        <span className="deadline-at" data-testid="deadline">
          due {at}
        </span>
      ) : null}
    </span>
  );
}

function LiveStatus({ live }: { live: LiveState }) {
  const text = live.kind === 'live' ? '● live' : live.kind === 'connecting' ? 'connecting…' : `live updates off: ${live.reason}`;
  return (
    <span className={`live live-${live.kind}`} data-testid="live-status" title="Events from the gateway (accessReviewEvents); Refresh reads the list again">
      {text}
    </span>
  );
}
