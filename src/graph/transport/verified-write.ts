import { isAmbiguous, isRefusal } from './graph-answer';
import { GraphRequestError, type GraphFailure } from './graph-failure';
import type { GraphCall } from './graph-request';

/** What a write's check found: the state asked for is on Graph (and the answer to give), or it is not. */
export type Verdict<T> = { there: true; answer: T } | { there: false; facts?: NotThereFacts };

/** What a check that found nothing may add to the write's failure, for the caller to read. */
export type NotThereFacts = Pick<GraphFailure, 'phase'>;

export const there = <T>(answer: T): Verdict<T> => ({ there: true, answer });
export const notThere = (facts?: NotThereFacts): Verdict<never> => ({ there: false, facts });

/**
 * A write, and the one way to learn whether the state it asks for is on Graph already. Where there is no
 * idempotency key to make a second request safe, the gateway reads back rather than guesses (docs/style, 19).
 */
export interface Write<T> {
  /** For the log line when the check finds the state there. */
  name: 'create' | 'upload' | 'complete' | 'delete' | 'apply' | 'record';
  /** The write: one request through the transport (retries are the transport's, under the request's own rule). */
  send(): Promise<T>;
  /**
   * Looks for the state the write asked for, given how the write failed. Bounded: a few reads the operation
   * declares. Its own failure finds nothing, and the write's failure stands.
   */
  alreadyThere(failure: GraphFailure): Promise<Verdict<T>>;
  /**
   * After which failures to look: the write's own ambiguous failure (it may have landed: a lost answer, a
   * timeout, a 5xx, an unreadable 2xx), or Graph's refusals too, because a caller's earlier request may have
   * landed through any replica, and the refusal is then Graph saying so (a completed session takes no second
   * completion).
   */
  after: 'ambiguous' | 'ambiguous-or-refused';
}

/** Sends `write`; after the failures it names, runs its check: found, the check's answer; else the write's failure (with the check's facts). */
export async function verifiedWrite<T>(write: Write<T>, call: GraphCall): Promise<T> {
  try {
    return await write.send();
  } catch (error) {
    if (!(error instanceof GraphRequestError) || !looksAfter(write, error.failure) || call.signal.aborted) throw error;
    const { failure } = error;
    const verdict = await write.alreadyThere(failure).catch((): Verdict<T> => notThere());
    if (verdict.there) {
      call.log.info({ graph: { write: write.name, failure: failure.kind, status: failure.status, code: failure.graphCode } }, 'what the write asked for is on Graph');
      return verdict.answer;
    }
    throw verdict.facts ? new GraphRequestError({ ...failure, ...verdict.facts }) : error;
  }
}

function looksAfter(write: Write<unknown>, failure: GraphFailure): boolean {
  return isAmbiguous(failure) || (write.after === 'ambiguous-or-refused' && isRefusal(failure));
}
