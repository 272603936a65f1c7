import { useEffect, useState } from 'react';
import { GatewayError, signIn, type GatewayProblem, type SignedInUser } from './gateway-client';
import { ProblemList } from './problem-list';
import { WorkflowApp } from './workflow-app';

/** The seeded users of the seed catalog, and what their catalog role lets them do. */
const USERS: readonly { user: SignedInUser; label: string }[] = [
  { user: 'owner', label: 'Owner (Catalog owner: reads and changes)' },
  { user: 'reader', label: 'Reader (Catalog reader: reads only)' },
  { user: 'stranger', label: 'Stranger (no role on the catalog)' },
];

/**
 * "Signed in as": a token for the chosen seeded user (minted by the emulator, test-only) goes with every call,
 * and the console starts afresh with it, so each role sees what it may do. The owner by default.
 */
export function SignedInApp() {
  const [user, setUser] = useState<SignedInUser>('owner');
  const [ready, setReady] = useState<SignedInUser | null>(null);
  const [problems, setProblems] = useState<GatewayProblem[]>([]);

  useEffect(() => {
    let current = true;
    setReady(null);
    setProblems([]);
    signIn(user).then(
      () => current && setReady(user),
      (error: unknown) => current && setProblems(error instanceof GatewayError ? error.problems : [{ message: String(error) }]),
    );
    return () => {
      current = false;
    };
  }, [user]);

  return (
    <>
      <div className="signed-in-as">
        <label>
          Signed in as{' '}
          <select aria-label="Signed in as" value={user} onChange={(event) => setUser(event.target.value as SignedInUser)}>
            {USERS.map(({ user: value, label }) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>{' '}
        <span className="muted">the emulator's seeded users of the seed catalog, with test-only tokens it mints (never in production).</span>
      </div>
      <ProblemList problems={problems} onRetry={null} />
      {ready === user ? <WorkflowApp key={user} /> : null}
    </>
  );
}
