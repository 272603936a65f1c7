import { deadlinePassed, GraphRequestError } from './graph-failure';
import type { Metrics } from '../../metrics';

/** How the other replicas hear of a pause (shared-state/ with REDIS_URL). */
export interface PauseBroadcast {
  publish(scope: string, pauseMs: number): void;
}

export interface ScopePausesOptions {
  /** The throttling scope of a Graph call with this `Authorization` value: a hash, never the token. */
  scopeOf(authorization: string): string;
  /** Absent: a pause stays in this process. */
  broadcast?: PauseBroadcast;
  metrics: Metrics;
}

/** What a request lends to a wait: the wait ends with its signal, and never outlasts its deadline. */
export interface PauseWaiter {
  signal: AbortSignal;
  /** Epoch milliseconds. */
  deadline: number;
}

interface PausedScope {
  /** Epoch milliseconds. */
  until: number;
  /** Since when (epoch ms) a call has been finding out whether Graph still throttles; 0 when none is. */
  probingSince: number;
  /** Settles at the next change of `until` or `probingSince`. */
  changed: Promise<void>;
  notify: () => void;
  forget?: NodeJS.Timeout;
}

/**
 * A probe's answer is awaited this long at most: an upload can stream for minutes before Graph answers,
 * and the calls behind it should not wait for the file.
 */
const PROBE_WAIT_MS = 5_000;

/**
 * A request begins a wait only if, after the pause, at least this much of its deadline is left for its call
 * (the contract's "decided before waiting"). With less, it would wait the pause out only to meet its deadline
 * on the wire and end UPSTREAM_TIMEOUT, when it could have been told THROTTLED, with when to come back, at
 * once (issue 27: a 1.5 s deadline behind a 2 s pause across replicas, about 1 request in 60). What follows
 * the pause (another 429, a slow Graph) is not part of the decision; it is taken again on every change of
 * the pause while the request waits.
 */
const MIN_CALL_TIME_AFTER_PAUSE_MS = 250;

/**
 * Graph throttles per application and tenant (a scope), and calls sent while it throttles extend the
 * throttle. So after a 429, or a 503 with Retry-After, no call in that scope leaves until the time has
 * passed: a call that can wait (its deadline leaves it `MIN_CALL_TIME_AFTER_PAUSE_MS` after the pause)
 * waits, any other fails at once; then one call goes first, and the rest follow its answer. The pause lives
 * in memory (reading it costs a map lookup) and reaches the other replicas through `broadcast`.
 */
export class ScopePauses {
  private readonly scopes = new Map<string, PausedScope>();

  constructor(private readonly options: ScopePausesOptions) {}

  /** Sends `send` when the scope of `authorization` lets it, and pauses the scope when Graph answers that it throttles. */
  run<T>(authorization: string, waiter: PauseWaiter, send: () => Promise<T>): Promise<T> {
    const scope = this.options.scopeOf(authorization);
    if (!this.scopes.has(scope)) return this.observe(scope, send, false);
    return this.admit(scope, waiter).then((probe) => this.observe(scope, send, probe));
  }

  /** Pauses `scope` for `pauseMs` from now; `replica`: another replica heard it from Graph. */
  pause(scope: string, pauseMs: number, origin: 'graph' | 'replica'): void {
    const until = Date.now() + pauseMs;
    let paused = this.scopes.get(scope);
    if (paused !== undefined && paused.until >= until) return;
    if (paused === undefined) {
      paused = { until, probingSince: 0, ...nextChange() };
      this.scopes.set(scope, paused);
    }
    paused.until = until;
    this.changed(paused);
    clearTimeout(paused.forget);
    // A pause no call asks about again is dropped, so scopes paused once do not pile up.
    paused.forget = setTimeout(() => this.settle(scope), pauseMs + PROBE_WAIT_MS).unref();
    this.options.metrics.graphPauses.inc({ origin });
    if (origin === 'graph') this.options.broadcast?.publish(scope, pauseMs);
  }

  /** Waits out the scope's pause; true when this call is the one to find out whether Graph still throttles. */
  private async admit(scope: string, { signal, deadline }: PauseWaiter): Promise<boolean> {
    for (;;) {
      const paused = this.scopes.get(scope);
      if (paused === undefined) return false;
      const now = Date.now();
      if (paused.until > now) {
        // Decided on each turn: a pause extended while this call waited (another 429) is judged afresh.
        if (deadline - paused.until < MIN_CALL_TIME_AFTER_PAUSE_MS) throw pausedPastDeadline(paused.until - now);
        await wake(paused.changed, paused.until - now, signal);
      } else if (paused.probingSince === 0) {
        paused.probingSince = now;
        this.changed(paused);
        return true;
      } else if (now - paused.probingSince >= PROBE_WAIT_MS) {
        return false;
      } else {
        await wake(paused.changed, paused.probingSince + PROBE_WAIT_MS - now, signal);
      }
    }
  }

  private async observe<T>(scope: string, send: () => Promise<T>, probe: boolean): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const pauseMs = throttledForMs(error);
      if (pauseMs !== undefined) this.pause(scope, pauseMs, 'graph');
      throw error;
    } finally {
      if (probe) this.settle(scope);
    }
  }

  /** A probe answered (or a pause lapsed unasked): the scope is open again unless Graph paused it anew. */
  private settle(scope: string): void {
    const paused = this.scopes.get(scope);
    if (paused === undefined) return;
    paused.probingSince = 0;
    if (paused.until <= Date.now()) {
      clearTimeout(paused.forget);
      this.scopes.delete(scope);
    }
    this.changed(paused);
  }

  private changed(paused: PausedScope): void {
    const { notify } = paused;
    Object.assign(paused, nextChange());
    notify();
  }
}

function nextChange(): Pick<PausedScope, 'changed' | 'notify'> {
  let notify!: () => void;
  const changed = new Promise<void>((resolve) => (notify = resolve));
  return { changed, notify };
}

/** Graph's word that it throttles the scope: 429 (Retry-After, else a second), or 503 with Retry-After. */
function throttledForMs(error: unknown): number | undefined {
  if (!(error instanceof GraphRequestError)) return undefined;
  const { status, retryAfterSeconds } = error.failure;
  const seconds = status === 429 ? (retryAfterSeconds ?? 1) : status === 503 ? retryAfterSeconds : undefined;
  return seconds !== undefined && seconds > 0 ? seconds * 1000 : undefined;
}

function pausedPastDeadline(remainingMs: number): GraphRequestError {
  return new GraphRequestError({
    kind: 'paused',
    message: 'Graph throttles this scope past the request deadline',
    mayHaveLanded: false,
    retryAfterSeconds: Math.ceil(remainingMs / 1000),
  });
}

/** Resolves at the next change or after `ms`; rejects as a passed deadline when `signal` aborts. */
function wake(changed: Promise<void>, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(deadlinePassed());
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    };
    const done = () => {
      finish();
      resolve();
    };
    const abort = () => {
      finish();
      reject(deadlinePassed());
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', abort, { once: true });
    void changed.then(done);
  });
}
