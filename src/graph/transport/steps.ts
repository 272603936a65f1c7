import { deadlinePassed, GraphRequestError } from './graph-failure';
import type { GraphGuard } from './graph-guard';
import { authorizationOf, type GraphStep } from './graph-step';
import type { ScopePauses } from './scope-pauses';

/** Every failure that leaves the transport says what the request asked for and the permission it needs. */
export const subjectStep: GraphStep = {
  name: 'subject',
  async send(exchange, next) {
    try {
      return await next(exchange);
    } catch (error) {
      if (!(error instanceof GraphRequestError)) throw error;
      const { subject, permission } = exchange.request;
      throw new GraphRequestError({ ...error.failure, subject, permission });
    }
  },
};

/**
 * No attempt begins once the request's deadline has passed or its caller has left. The deadline is the
 * request's one signal (one timer per request, set by the HTTP layer): no step adds a timer or a controller of
 * its own, and the waits below (a pause, a slot, an attempt) end with that same signal.
 */
export const deadlineStep: GraphStep = {
  name: 'deadline',
  send(exchange, next) {
    const { signal, deadline } = exchange.call;
    if (signal.aborted || Date.now() >= deadline) return Promise.reject(deadlinePassed());
    return next(exchange);
  },
};

/** The `Authorization` value, asked for on every attempt so that a token can refresh between retries. */
export const credentialStep: GraphStep = {
  name: 'credential',
  async send(exchange, next) {
    exchange.authorization = await exchange.call.authorization();
    return next(exchange);
  },
};

/** Holds the attempt while Graph throttles its credential's scope, and pauses the scope when Graph says it throttles (scope-pauses.ts). */
export function pauseStep(pauses: ScopePauses): GraphStep {
  return {
    name: 'pause',
    send: (exchange, next) => pauses.run(authorizationOf(exchange), exchange.call, () => next(exchange)),
  };
}

/** The breaker and the bulkhead around the attempt on the wire (graph-guard.ts). */
export function guardStep(guard: GraphGuard): GraphStep {
  return {
    name: 'guard',
    send: (exchange, next) => guard.run(exchange.call.signal, () => next(exchange)),
  };
}
