import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { GraphRequestError, type GraphFailure, type GraphSubject } from './graph-failure';
import type { Metrics } from '../../metrics';
import type { GraphGuard } from './graph-guard';
import type { ScopePauses } from './scope-pauses';
import type { OperationTrace } from '../../tracing';
import type { StreamBody } from './multipart-body';
import { RETRYABLE_STATUSES, retryAfterSeconds, retryDelayMs, sleep, withRetryAdvice, type RetryPolicy, type RetryRule } from './retry-policy';

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

/** One Graph attempt, and the loop that retries it under the request's rule, the guard and the deadline. */
export class GraphTransport {
  constructor(
    private readonly origin: string,
    private readonly options: GraphTransportOptions,
  ) {}

  get retryPolicy(): RetryPolicy {
    return this.options.retry;
  }

  async send(request: GraphRequest, call: GraphCall): Promise<GraphAnswer> {
    const { retry, guard, pauses, metrics } = this.options;
    const { signal } = call;
    let freshConnection = false;
    for (let attempt = 0; ; attempt++) {
      try {
        // Before the pause and the guard: the scope is the credential's, and one that cannot be had is no Graph attempt.
        const authorization = await call.authorization();
        const send = () => guard.run(signal, () => this.attempt(request, authorization, signal, call, attempt, freshConnection));
        return await (pauses ? pauses.run(authorization, call, send) : send());
      } catch (error) {
        if (!(error instanceof GraphRequestError)) throw error;
        const failure: GraphFailure = { ...error.failure, subject: request.subject, permission: request.permission };
        // Graph's guidance: after a 503, retry on a new connection (the old one may be pinned to a sick node).
        freshConnection = failure.status === 503;
        const delay = retryDelayMs(retry, failure, attempt, call.deadline - Date.now(), request.retryable);
        if (delay === undefined) throw withRetryAdvice(new GraphRequestError(failure), retry, attempt);
        metrics.graphRetries.inc({ reason: failure.status ? String(failure.status) : failure.kind });
        call.log.warn({ graph: logFacts(request.method, failure), retryInMs: Math.round(delay) }, 'retrying Graph call');
        await sleep(delay, signal);
      }
    }
  }

  private async attempt(
    request: GraphRequest,
    authorization: string,
    signal: AbortSignal,
    call: GraphCall,
    attempt: number,
    freshConnection: boolean,
  ): Promise<GraphAnswer> {
    const { method, path, json: jsonBody, stream } = request;
    const clientRequestId = randomUUID();
    const started = performance.now();
    const headers = requestHeaders(request, authorization, clientRequestId, attempt);
    const span = call.trace?.graphAttempt(method, path, attempt);
    if (span) headers.traceparent = span.traceparent;
    const { metrics } = this.options;
    let status: GraphAttemptStatus = 'error';
    let requestId: string | undefined;
    try {
      const { dispatcher, freshConnections = dispatcher } = this.options;
      const response = await (freshConnection ? freshConnections : dispatcher).request({
        origin: this.origin,
        path,
        method,
        headers,
        // undici's docs take an AsyncIterable body (docs/api/Dispatcher.md); its typings leave it out.
        body: stream ? (stream.open() as unknown as Readable) : jsonBody,
        // The attempt timeout is undici's own (no controller and timer of ours per attempt): time to the
        // answer's headers (a body still flowing keeps it from firing), then at most as long between body
        // chunks. The request's deadline aborts it too.
        signal,
        headersTimeout: this.options.attemptTimeoutMs,
        bodyTimeout: this.options.attemptTimeoutMs,
        reset: freshConnection,
      });
      status = response.statusCode;
      requestId = header(response.headers, 'request-id');
      const json = jsonOrUndefined(await response.body.text());
      // The operation's own line lists every attempt; this one is for following a single call.
      call.log.debug({ graph: { method, status, requestId, clientRequestId, attempt, durationMs: elapsed(started) } }, 'Graph call');
      if (status === 429) metrics.graphThrottles.inc();
      return answerOf(status, response.headers, json, requestId, clientRequestId);
    } catch (error) {
      if (error instanceof GraphRequestError) throw error;
      // The gateway stopped it (the file's check or size limit, the request's deadline, the caller gone): not Graph's failure.
      if (stream?.sourceError !== undefined || signal.aborted) status = 'aborted_by_gateway';
      // The file's own check refused it mid-stream: the caller's error, passed on as it is (nothing landed).
      if (stream?.sourceError !== undefined) throw stream.sourceError;
      const failure = transportFailure(error, signal, clientRequestId);
      call.log.warn({ graph: { method, clientRequestId, attempt, failure: failure.message, durationMs: elapsed(started) } }, 'Graph call failed');
      throw new GraphRequestError(failure);
    } finally {
      const durationMs = performance.now() - started;
      const labels = { method, status: String(status) };
      metrics.graphRequests.inc(labels);
      metrics.graphDuration.observe(labels, durationMs / 1000);
      call.attempts?.push({ method, status, requestId, attempt, durationMs: Math.round(durationMs * 10) / 10 });
      span?.end(typeof status === 'number' ? status : undefined, requestId);
    }
  }
}

function requestHeaders(request: GraphRequest, authorization: string, clientRequestId: string, attempt: number): Record<string, string> {
  const headers: Record<string, string> = {
    authorization,
    accept: 'application/json',
    'client-request-id': clientRequestId,
  };
  if (request.headers) Object.assign(headers, request.headers);
  if (request.json !== undefined) headers['content-type'] = 'application/json';
  // ASSUMPTION: Graph takes a chunked multipart body (no Content-Length): the size is not known before it has streamed.
  if (request.stream) headers['content-type'] = request.stream.contentType;
  if (attempt > 0) headers['retry-attempt'] = String(attempt);
  return headers;
}

/** A 2xx with a JSON body (or none, where Graph sends none) is the answer; anything else is a GraphRequestError with Graph's facts. */
function answerOf(status: number, headers: Headers, json: unknown, requestId: string | undefined, clientRequestId: string): GraphAnswer {
  if (status >= 200 && status < 300) {
    // 204 No Content, and 202 Accepted as Graph sends it (batch apply): no body to read.
    if (json === undefined && status !== 204 && status !== 202) {
      throw new GraphRequestError({ kind: 'unreadable', message: 'the answer is not JSON', status, requestId, clientRequestId });
    }
    return { status, json, requestId, clientRequestId };
  }
  throw new GraphRequestError({
    kind: 'http',
    status,
    message: `Graph answered ${status}`,
    graphCode: graphErrorCode(json),
    requestId: requestId ?? graphInnerRequestId(json),
    clientRequestId,
    retryAfterSeconds: RETRYABLE_STATUSES.has(status) ? retryAfterSeconds(header(headers, 'retry-after')) : undefined,
  });
}

/** Sorts an error from undici into a timeout (ours or the attempt's) or a network failure. */
function transportFailure(error: unknown, requestSignal: AbortSignal, clientRequestId: string): GraphFailure {
  const code = (error as { code?: string }).code;
  const name = (error as { name?: string }).name;
  if (requestSignal.aborted) return { kind: 'deadline', message: 'the request deadline passed or its caller left', clientRequestId };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { kind: 'timeout', message: 'the Graph attempt timed out', clientRequestId };
  }
  return { kind: 'network', message: `connection failed (${code ?? name ?? 'unknown'})`, clientRequestId };
}

/** Graph's body as JSON; undefined when it is empty or not JSON. */
function jsonOrUndefined(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function graphErrorCode(json: unknown): string | undefined {
  const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

function graphInnerRequestId(json: unknown): string | undefined {
  const id = (json as { error?: { innerError?: Record<string, unknown> } } | undefined)?.error?.innerError?.['request-id'];
  return typeof id === 'string' ? id : undefined;
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function logFacts(method: string, failure: GraphFailure) {
  return { method, status: failure.status, code: failure.graphCode, requestId: failure.requestId, clientRequestId: failure.clientRequestId };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
