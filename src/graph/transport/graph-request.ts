import type { Logger } from 'pino';
import type { OperationTrace } from '../../tracing';
import type { GraphSubject } from './graph-failure';
import type { StreamBody } from './multipart-body';
import type { RetryRule } from './retry-policy';

/** What one GraphQL request lends to each Graph call it makes. */
export interface GraphCall {
  /** The `Authorization` header value for Graph; asked for on every attempt so tokens can refresh. */
  authorization(): Promise<string>;
  /** Aborts when the request's deadline passes or the caller goes away. */
  signal: AbortSignal;
  /** Epoch milliseconds after which no attempt is started and no wait is begun. */
  deadline: number;
  log: Logger;
  /** Set when tracing is on: each attempt gets a child span and sends its `traceparent`. */
  trace?: OperationTrace;
  /** Each attempt appends itself here, for the operation's one log line. */
  attempts?: GraphAttemptRecord[];
}

/** Graph's status; `error` when no answer came; `aborted_by_gateway` when the gateway stopped it (no fault of Graph's). */
export type GraphAttemptStatus = number | 'error' | 'aborted_by_gateway';

/** One Graph attempt as the operation's log line reports it. */
export interface GraphAttemptRecord {
  method: string;
  status: GraphAttemptStatus;
  requestId?: string;
  attempt: number;
  durationMs: number;
}

export interface GraphRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Absolute from the origin, query included (graph-paths.ts). */
  path: string;
  /** Headers the operation needs besides the usual ones (beta's batch apply asks for one). */
  headers?: Readonly<Record<string, string>>;
  /** A JSON body, sent as `application/json`. */
  json?: string;
  /** A streamed body; the transport opens it afresh for each attempt it makes. */
  stream?: StreamBody;
  /** Which failures this request may be sent again after (retry-policy.ts). */
  retryable: RetryRule;
  /** What the request asks for, and the permission it needs: facts every failure of it carries. */
  subject: GraphSubject;
  permission?: string;
}

export interface GraphAnswer {
  status: number;
  /** The parsed body; undefined only for a 204 or 202. */
  json: unknown;
  requestId?: string;
  clientRequestId: string;
}
