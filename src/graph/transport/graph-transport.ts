import type { Dispatcher } from 'undici';
import type { Metrics } from '../../metrics';
import { attemptStep } from './attempt-step';
import type { GraphGuard } from './graph-guard';
import { composeSteps, type GraphStep, type SendNext } from './graph-step';
import type { GraphAnswer, GraphCall, GraphRequest } from './graph-request';
import type { RetryPolicy } from './retry-policy';
import { retryStep } from './retry-step';
import type { ScopePauses } from './scope-pauses';
import { credentialStep, deadlineStep, guardStep, pauseStep, subjectStep } from './steps';

export interface GraphTransportOptions {
  /** The process's keep-alive pool for Graph. */
  dispatcher: Dispatcher;
  /** A pool used only with `reset: true`, so every request on it opens a connection no one used before. */
  freshConnections?: Dispatcher;
  guard: GraphGuard;
  /** Holds calls in a scope Graph throttles; absent, nothing is held. */
  pauses?: ScopePauses;
  retry: RetryPolicy;
  attemptTimeoutMs: number;
  metrics: Metrics;
}

/**
 * Every Graph call goes through these steps, outermost first:
 * - subject: every failure that leaves says what was asked for (and the permission it needs), whichever step failed;
 * - retry: outside the rest, so that each attempt runs all of them afresh: a new token, the pause the last 429 set,
 *   a new slot under the guard, the deadline checked again;
 * - deadline: no attempt begins after the request's deadline or once its caller left;
 * - credential: before the pause, because the throttling scope is the credential's; a token that cannot be had
 *   is no Graph attempt, so the guard and the metrics never see it;
 * - pause: before the guard, so a call held for a throttled scope holds no connection slot while it waits;
 * - guard: the breaker and the bulkhead bound and count only attempts that go on the wire;
 * - attempt: the undici request, last: the one step that sees what went out and what came back.
 */
export function graphSteps(origin: string, options: GraphTransportOptions): GraphStep[] {
  const { guard, pauses, retry, metrics } = options;
  return [
    subjectStep,
    retryStep(retry, metrics),
    deadlineStep,
    credentialStep,
    ...(pauses ? [pauseStep(pauses)] : []),
    guardStep(guard),
    attemptStep({ ...options, origin }),
  ];
}

/** Sends Graph requests through the steps (graphSteps), composed once when the transport is made. */
export class GraphTransport {
  private readonly sendThroughSteps: SendNext;

  constructor(origin: string, options: GraphTransportOptions) {
    this.sendThroughSteps = composeSteps(graphSteps(origin, options));
  }

  send(request: GraphRequest, call: GraphCall): Promise<GraphAnswer> {
    return this.sendThroughSteps({ request, call, attempt: 0, freshConnection: false });
  }
}
