import {
  ApplyAccessReviewDecisionsDocument,
  RecordAccessReviewDecisionAppliedDocument,
  type AccessReviewApplyResult,
  type AccessReviewDecisionFieldsFragment,
} from '../../../src/client/generated';
import { execute, type GatewayProblem } from './gateway-client';
import type { Resource } from './resource';
import type { AccessReviewItem } from './use-access-reviews';
import { useDeniedDecisions } from './use-denied-decisions';

interface ReviewPageProps {
  resource: Resource;
  review: AccessReviewItem;
  /** Bumped after a step that changes decisions: they are read again. */
  version: number;
  disabled: boolean;
  /** Runs one step of the page: its outcome is the notice or the errors. */
  step(action: () => Promise<string>): Promise<boolean>;
  /** After a step that changed the review: the reviews are read again (the status may have moved). */
  onChanged(): void;
  onProblems(problems: GatewayProblem[]): void;
}

/**
 * One review's page: who lost access, and recording on Graph that it was removed in the disconnected
 * application. Graph keeps the review APPLYING until every decision on the resource has a result.
 */
export function ReviewPage({ resource, review, version, disabled, step, onChanged, onProblems }: ReviewPageProps) {
  const ids = { ...resource, reviewDefinitionId: review.reviewDefinitionId, reviewInstanceId: review.id };
  const denied = useDeniedDecisions(ids, version, onProblems);
  const applying = review.status === 'APPLYING';
  const open = denied.decisions.filter((decision) => decision.applyResult === 'NEW').length;

  const markAll = () =>
    void step(async () => {
      await execute(ApplyAccessReviewDecisionsDocument, { input: { ...ids, applyResult: 'APPLIED_SUCCESSFULLY', applyDescription: 'Access removed' } });
      onChanged();
      return `Recorded APPLIED_SUCCESSFULLY on every decision on the resource in ${review.displayName ?? 'the review'}.`;
    });
  const record = (decision: AccessReviewDecisionFieldsFragment, applyResult: AccessReviewApplyResult) =>
    void step(async () => {
      const { recordAccessReviewDecisionApplied } = await execute(RecordAccessReviewDecisionAppliedDocument, {
        input: { ...ids, decisionId: decision.id, applyResult, applyDescription: applyResult === 'APPLIED_SUCCESSFULLY' ? 'Access removed' : 'Removal failed' },
      });
      onChanged();
      return `${who(decision)}: ${recordAccessReviewDecisionApplied.applyResult}.`;
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
          {review.startDateTime ?? '—'} to {review.endDateTime ?? '—'}
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

interface DeniedTableProps {
  decisions: AccessReviewDecisionFieldsFragment[];
  canRecord: boolean;
  onRecord(decision: AccessReviewDecisionFieldsFragment, applyResult: AccessReviewApplyResult): void;
}

function DeniedTable({ decisions, canRecord, onRecord }: DeniedTableProps) {
  return (
    <table className="files decisions">
      <caption>Denied by reviewers</caption>
      <thead>
        <tr>
          <th>Who</th>
          <th>Permission</th>
          <th>Why</th>
          <th>Removal</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {decisions.length === 0 ? (
          <tr>
            <td colSpan={5} className="muted">
              nothing denied
            </td>
          </tr>
        ) : (
          decisions.map((decision) => (
            <tr key={decision.id}>
              <td>{who(decision)}</td>
              <td>{[decision.permission?.displayName, decision.scopeDisplayName].filter(Boolean).join(', ') || '—'}</td>
              <td>
                {decision.justification ?? '—'}
                {decision.reviewedBy?.displayName ? <span className="muted"> ({decision.reviewedBy.displayName})</span> : null}
              </td>
              <td data-testid="apply-result">{decision.applyResult}</td>
              <td>
                <span className="row-actions">
                  <button type="button" disabled={!canRecord || decision.applyResult === 'APPLIED_SUCCESSFULLY'} onClick={() => onRecord(decision, 'APPLIED_SUCCESSFULLY')}>
                    Mark removed
                  </button>
                  <button type="button" disabled={!canRecord || decision.applyResult === 'APPLIED_WITH_UNKNOWN_FAILURE'} onClick={() => onRecord(decision, 'APPLIED_WITH_UNKNOWN_FAILURE')}>
                    Removal failed
                  </button>
                </span>
              </td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

function who({ principal }: AccessReviewDecisionFieldsFragment): string {
  return principal.displayName ?? principal.userPrincipalName ?? principal.id;
}
