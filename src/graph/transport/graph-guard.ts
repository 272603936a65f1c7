import {
  BrokenCircuitError,
  bulkhead,
  BulkheadRejectedError,
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  handleWhen,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { deadlinePassed, GraphRequestError } from './graph-failure';
import type { Metrics } from '../../metrics';

export interface GraphGuardOptions {
  /** The Graph host guarded, as the metrics' `host` label. */
  host: string;
  /** Attempts in flight at once; the rest queue. */
  maxConcurrency: number;
  /** Attempts waiting for a slot at once; beyond that they fail at once. */
  maxQueue: number;
  /** Consecutive failures (connection, timeout, 5xx) that open the circuit. */
  breakerFailures: number;
  /** How long the circuit stays open before one probe may try Graph again. */
  breakerHalfOpenAfterMs: number;
  metrics: Metrics;
}

const STATE_VALUES: Record<CircuitState, number> = {
  [CircuitState.Closed]: 0,
  [CircuitState.Open]: 1,
  [CircuitState.HalfOpen]: 2,
  [CircuitState.Isolated]: 1,
};

/**
 * What stands between a request and Graph's host: a circuit breaker, so a Graph that is down is not
 * hammered (and callers hear so at once), and a bulkhead, so one process never has more than
 * `maxConcurrency` attempts in flight. Both from cockatiel; this file only picks what counts.
 */
export class GraphGuard {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  /** The in-flight gauge of this host, its label object built once (prom-client still hashes it on each call). */
  private readonly inFlight: { inc(): void; dec(): void };

  constructor(options: GraphGuardOptions) {
    // Only Graph being unwell counts: 4xx answers (429 included) come from a Graph that works.
    this.breaker = circuitBreaker(handleWhen(isHostFailure), {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerFailures),
    });
    this.bulkhead = bulkhead(options.maxConcurrency, options.maxQueue);
    const { metrics, host } = options;
    this.inFlight = metrics.graphInFlight.labels({ host });
    metrics.graphCircuitState.set({ host }, 0);
    this.breaker.onStateChange((state) => metrics.graphCircuitState.set({ host }, STATE_VALUES[state]));
  }

  /** Runs one attempt under the breaker and the bulkhead; a wait for a slot ends with `signal`. */
  async run<T>(signal: AbortSignal, attempt: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(() => this.withSlot(signal, attempt));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new GraphRequestError({ kind: 'unavailable', message: 'the circuit to Graph is open', mayHaveLanded: false });
      }
      throw error;
    }
  }

  private withSlot<T>(signal: AbortSignal, attempt: () => Promise<T>): Promise<T> {
    if (signal.aborted) return Promise.reject(deadlinePassed());
    const queued = this.bulkhead.executionSlots === 0;
    let started = false;
    const running = this.bulkhead
      .execute(async () => {
        started = true;
        this.inFlight.inc();
        try {
          return await attempt();
        } finally {
          this.inFlight.dec();
        }
      }, signal)
      .catch((error: unknown) => {
        if (error instanceof BulkheadRejectedError) throw unavailable('too many Graph calls are waiting');
        throw error;
      });
    if (!queued) return running; // it started at once: nothing to leave
    // A caller still queued when its deadline passes leaves at once; its queue entry is dropped unrun later.
    const queuedTooLong = new Promise<never>((_, reject) => {
      const leave = () => {
        if (!started) reject(unavailable('no Graph connection slot became free before the deadline'));
      };
      if (signal.aborted) leave();
      else signal.addEventListener('abort', leave, { once: true });
      void running.finally(() => signal.removeEventListener('abort', leave)).catch(() => undefined);
    });
    return Promise.race([running, queuedTooLong]);
  }
}

function unavailable(message: string): GraphRequestError {
  return new GraphRequestError({ kind: 'unavailable', message, mayHaveLanded: false });
}

function isHostFailure(error: Error): boolean {
  if (!(error instanceof GraphRequestError)) return false;
  const { kind, status = 0 } = error.failure;
  return kind === 'network' || kind === 'timeout' || (kind === 'http' && status >= 500);
}
