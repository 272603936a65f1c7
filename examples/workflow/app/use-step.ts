import { useState } from 'react';
import { GatewayError, type GatewayProblem } from './gateway-client';

/** The codes a second try may pass (docs/errors.md): Graph busy or failing, the deadline. */
const TRANSIENT = new Set(['THROTTLED', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_ERROR', 'INTERNAL_SERVER_ERROR']);

/** What a step did, and the one thing that comes next. */
export interface StepOutcome {
  done: string;
  next: string;
}

export type Step = (action: () => Promise<StepOutcome>) => Promise<boolean>;

export interface StepState {
  busy: boolean;
  notice: string;
  next: string;
  problems: GatewayProblem[];
  /** When the step in flight began, once it has waited long enough to say so; null otherwise. */
  waitingSince: number | null;
  /** The failed step again, with what the owner chose (the file, the review): one click. */
  retry: (() => void) | null;
}

/** A step that has not answered by then says it is still waiting, and why it may be. */
const SAY_WAITING_AFTER_MS = 2_000;
const IDLE: StepState = { busy: false, notice: '', next: '', problems: [], waitingSince: null, retry: null };

/** One step at a time: its outcome replaces the last one's notice or errors. */
export function useStep(): StepState & { run: Step; report(problems: GatewayProblem[]): void } {
  const [state, setState] = useState<StepState>(IDLE);

  const run: Step = async (action) => {
    const started = Date.now();
    setState({ ...IDLE, busy: true });
    const timer = setTimeout(() => setState((current) => (current.busy ? { ...current, waitingSince: started } : current)), SAY_WAITING_AFTER_MS);
    try {
      const { done, next } = await action();
      setState({ ...IDLE, notice: done, next });
      return true;
    } catch (error) {
      const problems = problemsOf(error);
      // Only what passes (Graph busy or failing, the deadline, the network): a refused input, a missing role or a state
      // conflict would be refused again, so the owner changes something instead of retrying.
      const retryable = problems.some((problem) => problem.code === undefined || TRANSIENT.has(problem.code));
      setState({ ...IDLE, problems, retry: retryable ? () => void run(action) : null });
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
  // A list that failed to load: its errors, with nothing to retry (Refresh reads it again).
  const report = (problems: GatewayProblem[]) => setState((current) => ({ ...current, problems, retry: null }));
  return { ...state, run, report };
}

export function problemsOf(error: unknown): GatewayProblem[] {
  return error instanceof GatewayError ? error.problems : [{ message: String(error) }];
}
