import type { Metrics } from '../../metrics';
import { GraphRequestError, type GraphFailure } from './graph-failure';
import type { GraphStep } from './graph-step';
import { retryDelayMs, sleep, withRetryAdvice, type RetryPolicy } from './retry-policy';

/**
 * Sends the attempt again while the request's own rule (`retryable`) and the policy allow it and the wait fits
 * in the deadline (retry-policy.ts says how long). A streamed body is sent again only while none of it has been
 * read from its source: a source can be read once. What the attempts learned is carried to the failure that
 * leaves: if any attempt may have landed, the request may have.
 */
export function retryStep(policy: RetryPolicy, metrics: Metrics): GraphStep {
  return {
    name: 'retry',
    async send(exchange, next) {
      const { request, call } = exchange;
      let mayHaveLanded = false;
      for (let attempt = 0; ; attempt++) {
        exchange.attempt = attempt;
        try {
          return await next(exchange);
        } catch (error) {
          if (!(error instanceof GraphRequestError)) throw error;
          mayHaveLanded ||= error.failure.mayHaveLanded;
          const failure: GraphFailure = { ...error.failure, mayHaveLanded };
          // Graph's guidance: after a 503, retry on a new connection (the old one may be pinned to a sick node).
          exchange.freshConnection = failure.status === 503;
          const replayable = request.stream?.replayable ?? true;
          const delay = replayable ? retryDelayMs(policy, failure, attempt, call.deadline - Date.now(), request.retryable) : undefined;
          if (delay === undefined) throw withRetryAdvice(new GraphRequestError(failure), policy, attempt);
          metrics.graphRetries.inc({ reason: failure.status ? String(failure.status) : failure.kind });
          call.log.warn({ graph: logFacts(request.method, failure), retryInMs: Math.round(delay) }, 'retrying Graph call');
          await sleep(delay, call.signal).catch((stopped: GraphRequestError) => {
            throw new GraphRequestError({ ...stopped.failure, mayHaveLanded });
          });
        }
      }
    },
  };
}

function logFacts(method: string, failure: GraphFailure) {
  return { method, status: failure.status, code: failure.graphCode, requestId: failure.requestId, clientRequestId: failure.clientRequestId };
}
