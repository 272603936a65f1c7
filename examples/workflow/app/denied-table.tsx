import type { AccessReviewApplyResult, AccessReviewDecisionFieldsFragment } from '../../../src/client/generated';
import { Person } from './person';

interface DeniedTableProps {
  decisions: AccessReviewDecisionFieldsFragment[];
  canRecord: boolean;
  onRecord(decision: AccessReviewDecisionFieldsFragment, applyResult: AccessReviewApplyResult): void;
}

/** Who reviewers denied, by name (the GUID on hover), which permission, why and by whom, and the removal's result. */
export function DeniedTable({ decisions, canRecord, onRecord }: DeniedTableProps) {
  return (
    <table className="files decisions">
      <caption>Denied by reviewers</caption>
      <thead>
        <tr>
          <th>Who</th>
          <th>Permission</th>
          <th>Why</th>
          <th>Removal</th>
        </tr>
      </thead>
      <tbody>
        {decisions.length === 0 ? (
          <tr>
            <td colSpan={4} className="muted">
              nothing denied
            </td>
          </tr>
        ) : (
          decisions.map((decision) => (
            <tr key={decision.id}>
              <td>
                <Person identity={decision.principal} />
              </td>
              <td>{[decision.permission?.displayName, decision.scopeDisplayName].filter(Boolean).join(', ') || '—'}</td>
              <td>
                {decision.justification ?? '—'}
                {decision.reviewedBy?.displayName ? (
                  <span className="muted" title={decision.reviewedBy.id}>
                    {' '}
                    ({decision.reviewedBy.displayName})
                  </span>
                ) : null}
              </td>
              <td>
                <code data-testid="apply-result">{decision.applyResult}</code>
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
