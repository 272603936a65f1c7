import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Metrics } from '../../metrics';
import { GraphRequestError } from './graph-failure';
import { answerOf, header, jsonOrUndefined, transportFailure, type Sent } from './graph-response';
import { authorizationOf, type Exchange, type GraphStep } from './graph-step';
import type { GraphAttemptStatus, GraphRequest } from './graph-request';

export interface AttemptOptions {
  /** Graph's origin: every path is sent to it. */
  origin: string;
  /** The process's keep-alive pool for Graph. */
  dispatcher: Dispatcher;
  /** A pool used only with `reset: true`, so every request on it opens a connection no one used before. */
  freshConnections?: Dispatcher;
  attemptTimeoutMs: number;
  metrics: Metrics;
}

/**
 * One undici request: the last step, the only one that knows what went out and what came back, so it sets the
 * failure's facts, `mayHaveLanded` among them. Each attempt is counted (metrics), recorded in the call's
 * attempts for the operation's log line, and traced as a child span when tracing is on.
 */
export function attemptStep(options: AttemptOptions): GraphStep {
  const { origin, dispatcher, freshConnections = dispatcher, attemptTimeoutMs, metrics } = options;
  return {
    name: 'attempt',
    async send(exchange) {
      const { request, call, attempt } = exchange;
      const { method, path, stream } = request;
      const sent: Sent = { whole: true, clientRequestId: randomUUID() };
      const started = performance.now();
      const headers = requestHeaders(request, authorizationOf(exchange), sent.clientRequestId, attempt);
      const span = call.trace?.graphAttempt(method, path, attempt);
      if (span) headers.traceparent = span.traceparent;
      let status: GraphAttemptStatus = 'error';
      let requestId: string | undefined;
      try {
        const response = await (exchange.freshConnection ? freshConnections : dispatcher).request({
          origin,
          path,
          method,
          headers,
          // undici's docs take an AsyncIterable body (docs/api/Dispatcher.md); its typings leave it out.
          body: stream ? (stream.open() as unknown as Readable) : request.json,
          // The attempt timeout is undici's own (no controller and timer of ours per attempt): time to the answer's
          // headers (a body still flowing keeps it from firing), then at most as long between body chunks. The
          // request's one deadline signal aborts it too.
          signal: call.signal,
          headersTimeout: attemptTimeoutMs,
          bodyTimeout: attemptTimeoutMs,
          reset: exchange.freshConnection,
        });
        status = response.statusCode;
        requestId = header(response.headers, 'request-id');
        const json = jsonOrUndefined(await response.body.text());
        // The operation's own line lists every attempt; this one is for following a single call (built only when logged).
        if (call.log.isLevelEnabled('debug')) call.log.debug({ graph: { method, status, requestId, clientRequestId: sent.clientRequestId, attempt, durationMs: elapsed(started) } }, 'Graph call');
        if (status === 429) metrics.graphThrottles.inc();
        return answerOf(status, response.headers, json, { ...sent, whole: stream?.sentWhole ?? true });
      } catch (error) {
        if (error instanceof GraphRequestError) throw error;
        status = failedStatus(exchange);
        // The file's own check refused it mid-stream: the caller's error, passed on as it is (nothing landed).
        if (stream?.sourceError !== undefined) throw stream.sourceError;
        const failure = transportFailure(error, call.signal.aborted, { ...sent, whole: stream?.sentWhole ?? true });
        call.log.warn({ graph: { method, clientRequestId: sent.clientRequestId, attempt, failure: failure.message, durationMs: elapsed(started) } }, 'Graph call failed');
        throw new GraphRequestError(failure);
      } finally {
        const durationMs = performance.now() - started;
        const labels = { method, status: String(status) };
        metrics.graphRequests.inc(labels);
        metrics.graphDuration.observe(labels, durationMs / 1000);
        call.attempts?.push({ method, status, requestId, attempt, durationMs: Math.round(durationMs * 10) / 10 });
        span?.end(typeof status === 'number' ? status : undefined, requestId);
      }
    },
  };
}

/** The gateway stopped it (the file's check or size limit, the request's deadline, the caller gone): no fault of Graph's. */
function failedStatus({ request, call }: Exchange): GraphAttemptStatus {
  return request.stream?.sourceError !== undefined || call.signal.aborted ? 'aborted_by_gateway' : 'error';
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

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
