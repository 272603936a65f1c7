import { useState } from 'react';
import type { UploadSessionFieldsFragment } from '../../../src/client/generated';
import { ConfirmDialog, type Confirmation } from './confirm-dialog';
import { CALLS_TO_ACTION, EventBanner } from './event-banner';
import { SEEDED_RESOURCE, type Resource } from './resource';
import { ResourceForm } from './resource-form';
import { ReviewList } from './review-list';
import { ReviewPage } from './review-page';
import { SessionList } from './session-list';
import { SessionPanel } from './session-panel';
import { StepOutcomeView } from './step-outcome';
import { useAccessReviews } from './use-access-reviews';
import { useReviewEvents, type ReviewEvent } from './use-review-events';
import { useSessionSteps } from './use-session-steps';
import { useStep } from './use-step';

/**
 * The owner's console: the reviews waiting for the resource's data (live), a session for one, its CSV files, its
 * completion; then what reviewers denied, and recording that the access was removed. What cannot be undone is
 * asked first; every step says what comes next.
 */
export function WorkflowApp() {
  const [resource, setResource] = useState<Resource>(SEEDED_RESOURCE);
  const [session, setSession] = useState<UploadSessionFieldsFragment | null>(null);
  const [reviewId, setReviewId] = useState<string | undefined>();
  const [listVersion, setListVersion] = useState(0);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const [events, setEvents] = useState<ReviewEvent[]>([]);
  const step = useStep();
  const reviews = useAccessReviews(resource, listVersion, step.report);
  const live = useReviewEvents(resource, (event) => {
    reviews.applyEvent(event);
    if (CALLS_TO_ACTION.has(event.type)) setEvents((shown) => [event, ...shown].slice(0, 5));
  });
  // The opened review as last read or told: its status follows the list and the live events.
  const review = reviews.reviews?.find((candidate) => candidate.id === reviewId);
  const reread = () => setListVersion((version) => version + 1);
  const steps = useSessionSteps({
    resource,
    session,
    step: step.run,
    confirm: setConfirmation,
    changed: (next) => {
      setSession(next);
      reread();
    },
    selected: setSession,
  });

  return (
    <>
      <header>
        <h1>Access reviews of a catalog resource</h1>
        <p className="muted">
          Every call goes to the gateway's <code>/graphql</code> on this origin (events over a WebSocket there); here it runs on its embedded Graph emulator.
        </p>
        <ResourceForm
          resource={resource}
          onChange={(next) => {
            setResource(next);
            setSession(null);
            setReviewId(undefined);
            setEvents([]);
          }}
        />
      </header>
      <EventBanner events={events} reviews={reviews.reviews} onDismiss={(id) => setEvents((shown) => shown.filter((event) => event.id !== id))} onOpenReview={setReviewId} />
      <StepOutcomeView state={step} />
      <main>
        <div className="column">
          <section aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">Access reviews</h2>
            <ReviewList list={reviews} live={live} disabled={step.busy} selectedId={reviewId} onCreateSession={steps.create} onOpenSession={steps.select} onOpenReview={(opened) => setReviewId(opened.id)} />
          </section>
          <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">Sessions</h2>
            <SessionList resource={resource} version={listVersion} selectedId={session?.id} onSelect={steps.select} onProblems={step.report} />
          </section>
        </div>
        <div className="column">
          <section aria-labelledby="selected-heading">
            <h2 id="selected-heading">Selected session</h2>
            {session ? (
              <SessionPanel session={session} disabled={step.busy} onUpload={steps.upload} onComplete={steps.complete} onDelete={steps.remove} />
            ) : (
              <p className="muted">Pick a session in the list, or create one for a review that needs your data.</p>
            )}
          </section>
          {review ? (
            <section aria-labelledby="review-heading">
              <h2 id="review-heading">Review</h2>
              <ReviewPage resource={resource} review={review} version={listVersion} disabled={step.busy} step={step.run} confirm={setConfirmation} onChanged={reread} onProblems={step.report} />
            </section>
          ) : null}
        </div>
      </main>
      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
    </>
  );
}
