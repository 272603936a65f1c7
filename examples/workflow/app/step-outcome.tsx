import { ProblemList } from './problem-list';
import { useNow } from './time';
import type { StepState } from './use-step';

/** The last step's outcome: what happened and what comes next, that it is still waiting, or its errors. */
export function StepOutcomeView({ state }: { state: StepState }) {
  return (
    <div className="outcome">
      <p role="status">{state.notice}</p>
      {state.next ? (
        <p className="next" data-testid="next-step">
          Next: {state.next}
        </p>
      ) : null}
      {state.waitingSince === null ? null : <StillWaiting since={state.waitingSince} />}
      <ProblemList problems={state.problems} onRetry={state.retry} />
    </div>
  );
}

/**
 * Graph throttles (429 with Retry-After) and the gateway waits as told and tries again, so a step can take
 * many seconds and still succeed: the owner is told so instead of looking at a greyed-out button.
 */
function StillWaiting({ since }: { since: number }) {
  const now = useNow(1_000);
  return (
    <p className="waiting" data-testid="waiting" aria-live="polite">
      Still waiting ({Math.max(2, Math.round((now - since) / 1000))} s). Microsoft Graph may be throttling: the gateway waits as long as Graph asks
      (Retry-After) and tries again within the request's deadline, so this step can still succeed. Nothing to do but wait; this line says how it ended.
    </p>
  );
}
