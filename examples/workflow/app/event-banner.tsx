import { formatDate, formatDeadline } from './time';
import type { ReviewEvent } from './use-review-events';

/** The events that ask the owner to act: the data a new review needs, and the removals reviewers decided. */
export const CALLS_TO_ACTION = new Set<ReviewEvent['type']>(['NEEDS_UPLOAD', 'APPLYING']);

/** A review as the banner needs it: the one the page now lists, else the one the event carried. */
type BannerReview = ReviewEvent['review'];

interface EventBannerProps {
  events: ReviewEvent[];
  /** The reviews as the page now has them: a banner tells the review's present state, and goes once it is acted on. */
  reviews: readonly BannerReview[] | null;
  onDismiss(eventId: string): void;
  onOpenReview(reviewId: string): void;
}

/** What arrived live and still needs the owner, newest first, until dismissed or done. */
export function EventBanner({ events, reviews, onDismiss, onOpenReview }: EventBannerProps) {
  const shown = events
    .map((event) => ({ event, review: reviews?.find((listed) => listed.id === event.review.id) ?? event.review }))
    .filter(({ event, review }) => (event.type === 'APPLYING' ? review.status === 'APPLYING' : review.needsUpload));
  if (shown.length === 0) return null;
  return (
    <aside className="banner" aria-label="New review events" aria-live="polite">
      <ul>
        {shown.map(({ event, review }) => (
          <li key={event.id} data-review-id={review.id} data-event-type={event.type}>
            <span className="text">{describe(event.type, review)}</span>
            <span className="row-actions">
              {event.type === 'APPLYING' ? (
                <button type="button" onClick={() => onOpenReview(review.id)}>
                  Open review
                </button>
              ) : null}
              <button type="button" className="link" onClick={() => onDismiss(event.id)}>
                Dismiss
              </button>
            </span>
          </li>
        ))}
      </ul>
    </aside>
  );
}

function describe(type: ReviewEvent['type'], review: BannerReview): string {
  const name = `${review.displayName ?? 'An access review'} (started ${formatDate(review.startDateTime)})`;
  if (type === 'APPLYING') return `${name} is APPLYING: reviewers have decided. Remove the access they denied, then record it on the review.`;
  const by = review.uploadDeadline ? ` by ${formatDeadline(Date.parse(review.uploadDeadline))}` : '';
  const what = review.uploadSession ? "upload the resource's CSV to its session and Complete it" : "create its session and upload the resource's CSV";
  return `${name} needs your data: ${what}${by}.`;
}
