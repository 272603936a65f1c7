import type { GatewayProblem } from './gateway-client';

/** The last step's GraphQL errors, each with its `extensions.code` and, for a refused CSV, where it is wrong. */
export function ProblemList({ problems }: { problems: GatewayProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems" role="alert">
      {problems.map((problem, index) => (
        <li key={index}>
          <strong>{problem.code ?? 'ERROR'}</strong>
          {problem.line === undefined ? null : <span className="where"> line {problem.line}{problem.column === undefined ? '' : `, column ${problem.column}`}</span>}
          : {problem.message}
        </li>
      ))}
    </ul>
  );
}
