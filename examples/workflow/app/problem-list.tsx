import type { GatewayProblem } from './gateway-client';

/**
 * The last step's GraphQL errors, each with its `extensions.code` and, for a refused CSV, where it is wrong;
 * Retry runs the failed step again with what the owner chose.
 */
export function ProblemList({ problems, onRetry }: { problems: GatewayProblem[]; onRetry: (() => void) | null }) {
  if (problems.length === 0) return null;
  return (
    <div className="problems" role="alert">
      <ul>
        {problems.map((problem, index) => (
          <li key={index}>
            <strong>{problem.code ?? 'ERROR'}</strong>
            {problem.line === undefined ? null : <span className="where"> line {problem.line}{problem.column === undefined ? '' : `, column ${problem.column}`}</span>}
            : {problem.message}
          </li>
        ))}
      </ul>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
