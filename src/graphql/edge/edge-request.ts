import type { GraphQLHttpRequest, HttpAnswer } from '../../http/graphql-request';
import type { GatewayContext } from './context';
import type { Refusal } from './refusal';
import type { GraphQLRequestParams, OperationParams } from './trusted-documents';
import type { RefusedBy } from './operation-record';

/** A request on its way through the edge's checks: what they read, and what Apollo is handed at the end. */
export interface EdgeRequest {
  readonly http: GraphQLHttpRequest;
  /** The caller's `Authorization: Bearer` token, when it sent one. */
  readonly bearer: string | undefined;
  readonly context: GatewayContext;
  /** What the request asks to run, read once for every check. */
  readonly operation: OperationParams;
  /** What Apollo runs: the request's own parameters, or those the trusted-documents check filled in (a hash's text). */
  params: GraphQLRequestParams;
}

/** How a request ended: its answer, and what its one log line and metrics say of it (handler.ts, `settle`). */
export type Ending =
  /** Refused before anything ran; answered as a GraphQL error and counted under who refused it. */
  | { kind: 'refused'; by: RefusedBy; refusal: Refusal }
  /** A browser's page: the developer console, or the page saying it is off. */
  | { kind: 'page'; answer: HttpAnswer }
  /** Apollo's answer; what it ran is on the context (`outcome.operation`), reported by its plugin. */
  | { kind: 'apollo'; answer: HttpAnswer };

/** `undefined`: the next check decides. */
export type Verdict = Ending | undefined;

/**
 * One decision taken before an operation runs (Fastify's hooks, Envelop's `useX`): it lets the request go on,
 * or ends it. Checks record nothing; the handler records the ending, once.
 */
export type RequestCheck = (request: EdgeRequest) => Verdict | Promise<Verdict>;

/** The request's own fault: a wrong method, a body that cannot be read, a document out of bounds. */
export function refused(refusal: Refusal): Ending {
  return { kind: 'refused', by: 'request-refused', refusal };
}

/** The caller's: no valid credential, or past its limit. */
export function callerRefused(refusal: Refusal): Ending {
  return { kind: 'refused', by: 'caller-refused', refusal };
}
