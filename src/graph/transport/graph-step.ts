import type { GraphAnswer, GraphCall, GraphRequest } from './graph-request';

/**
 * One request on its way through the steps: what was asked, the call it serves, and what a step learns for
 * the steps after it. Steps run one after another for one exchange, so each writes its own field in place.
 */
export interface Exchange {
  readonly request: GraphRequest;
  readonly call: GraphCall;
  /** Which attempt this is, 0 for the first: set by `retry`. */
  attempt: number;
  /** This attempt opens a connection no one used before: set by `retry` after a 503. */
  freshConnection: boolean;
  /** The `Authorization` value of this attempt: set by `credential`. */
  authorization?: string;
}

export type SendNext = (exchange: Exchange) => Promise<GraphAnswer>;

/**
 * One concern of every Graph call, as Azure's core-rest-pipeline writes a policy: it may act before and
 * after the steps below it (`next`), and may call `next` more than once (retry) or not at all (a refusal).
 */
export interface GraphStep {
  readonly name: string;
  send(exchange: Exchange, next: SendNext): Promise<GraphAnswer>;
}

/** The steps as one function, outermost first; built once, so a request never builds a chain of its own. */
export function composeSteps(steps: readonly GraphStep[]): SendNext {
  const end: SendNext = () => Promise.reject(new Error('the last step must answer: no step is left to send the request'));
  return steps.reduceRight<SendNext>((next, step) => (exchange) => step.send(exchange, next), end);
}

/** The credential an earlier step set: a step that needs it and finds none is composed in the wrong order. */
export function authorizationOf(exchange: Exchange): string {
  if (exchange.authorization === undefined) throw new Error('no credential step runs before this one');
  return exchange.authorization;
}
