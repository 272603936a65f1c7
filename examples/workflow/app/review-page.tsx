import {
  AccessReviewsDocument,
  ApplyAccessReviewDecisionsDocument,
  RecordAccessReviewDecisionAppliedDocument,
  type AccessReviewApplyResult,
  type AccessReviewDecisionFieldsFragment,
} from '../../../src/client/generated';
import type { Confirmation } from './confirm-dialog';
import { DeniedTable } from './denied-table';
import { execute, type GatewayProblem } from './gateway-client';
import { nameOf } from './person';
import type { Resource } from './resource';
import { formatDate } from './time';
import type { AccessReviewItem } from './use-access-reviews';
import { useDeniedDecisions } from './use-denied-decisions';
import type { Step } from './use-step';

interface ReviewPageProps {
  resource: Resource;
  review: AccessReviewItem;
  /** Bumped after a step that changes decisions: they are read again. */
  version: number;
  disabled: boolean;
  step: Step;
  confirm(confirmation: Confirmation): void;
  /** After a step that changed the review: the reviews are read again (the status may have moved). */
  onChanged(): void;
  onProblems(problems: GatewayProblem[]): void;
}

/**
 * One review's page: who lost access, and recording on Graph that it was removed in the disconnected
 * application. Graph keeps the review APPLYING until every decision on the resource has a result.
 */
export function ReviewPage({ resource, review, version, disabled, step, confirm, onChanged, onProblems }: ReviewPageProps) {
  const ids = { ...resource, reviewDefinitionId: review.reviewDefinitionId, reviewInstanceId: review.id };
  // Read again when the review moves on too (a live event): reviewers may have decided since.
  const denied = useDeniedDecisions(ids, `${version}/${review.status}`, onProblems);
  const applying = review.status === 'APPLYING';
  const open = denied.decisions.filter((decision) => decision.applyResult === 'NEW').length;
  const name = review.displayName ?? 'the review';

  const markAll = () =>
    confirm({
      title: `Mark all removed in ${name}?`,
      consequence: `Records on Graph that the access of everyone reviewers denied on this resource was removed (APPLIED_SUCCESSFULLY on every decision, ${open} not recorded yet). This cannot be undone: a recorded result cannot be taken back, and once every decision has one the review is APPLIED for good.`,
      confirmLabel: 'Mark all removed',
      run: () =>
        void step(async () => {
          await execute(ApplyAccessReviewDecisionsDocument, { input: { ...ids, applyResult: 'APPLIED_SUCCESSFULLY', applyDescription: 'Access removed' } });
          onChanged();
          const status = await statusOf(resource, review.id);
          return {
            done: `Recorded APPLIED_SUCCESSFULLY on every decision on the resource in ${name}: the review is ${status ?? 'no longer listed'}.`,
            next: status === 'APPLIED' ? 'nothing: the review is closed; its decisions stay readable here.' : 'the review stays APPLYING until every decision on the catalog’s other resources has a result too.',
          };
        }),
    });
  const record = (decision: AccessReviewDecisionFieldsFragment, applyResult: AccessReviewApplyResult) =>
    void step(async () => {
      const { recordAccessReviewDecisionApplied } = await execute(RecordAccessReviewDecisionAppliedDocument, {
        input: { ...ids, decisionId: decision.id, applyResult, applyDescription: applyResult === 'APPLIED_SUCCESSFULLY' ? 'Access removed' : 'Removal failed' },
      });
      onChanged();
      return { done: `${nameOf(decision.principal)}: ${recordAccessReviewDecisionApplied.applyResult}.`, next: 'record the others, one by one or with Mark all removed.' };
    });

  return (
    <>
      <dl className="facts">
        <dt>Review</dt>
        <dd>{review.displayName ?? '—'}</dd>
        <dt>Instance</dt>
        <dd>
          <code>{review.id}</code>
        </dd>
        <dt>Status</dt>
        <dd data-testid="review-status" className={`status status-${review.status.toLowerCase()}`}>
          {review.status}
        </dd>
        <dt>Ran</dt>
        <dd>
          {formatDate(review.startDateTime)} to {formatDate(review.endDateTime)}
        </dd>
      </dl>
      <DeniedTable decisions={denied.decisions} canRecord={applying && !disabled} onRecord={record} />
      <p className="count">
        {denied.totalCount === null ? (denied.loading ? 'Loading…' : '') : `${denied.decisions.length} of ${denied.totalCount} denied, ${open} not recorded yet`}
      </p>
      <div className="actions">
        {denied.hasNextPage ? (
          <button type="button" disabled={denied.loading} onClick={denied.loadMore}>
            Load more
          </button>
        ) : null}
        <button type="button" disabled={!applying || disabled} onClick={markAll} title="Records the result on every decision on the resource in this review">
          Mark all removed
        </button>
      </div>
    </>
  );
}

/** The review's status as Graph now has it: a batch apply answers 202 and says nothing of it. */
async function statusOf(resource: Resource, reviewId: string): Promise<string | undefined> {
  const { accessReviews } = await execute(AccessReviewsDocument, { ...resource, first: 20 });
  return accessReviews.edges.find(({ node }) => node.id === reviewId)?.node.status;
}
