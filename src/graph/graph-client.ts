import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { deadlinePassed, GraphRequestError, type GraphFailure } from '../errors';
import type { Metrics } from '../metrics';
import type { GraphGuard } from './graph-guard';
import type { OperationTrace } from '../tracing';
import { retryDelayMs, type RetryPolicy } from './retry-policy';
import { sessionPath, type SessionKey } from './session-key';
import { toUploadSession, UnreadableSessionError, type UploadedFile, type UploadSession } from './upload-session';

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

/** One Graph attempt as the operation's log line reports it. */
export interface GraphAttemptRecord {
  method: string;
  status: number | 'error';
  requestId?: string;
  attempt: number;
  durationMs: number;
}

export interface GraphClientOptions {
  baseUrl: URL;
  /** The process's keep-alive pool for Graph. */
  dispatcher: Dispatcher;
  /** A pool used only with `reset: true`, so every request on it opens a connection no one used before. */
  freshConnections?: Dispatcher;
  guard: GraphGuard;
  retry: RetryPolicy;
  attemptTimeoutMs: number;
  metrics: Metrics;
}

interface GraphAnswer {
  json: unknown;
  requestId?: string;
  clientRequestId: string;
}

const RETRYABLE_STATUSES = new Set([429, 503, 504]);
const COMPLETE_BODY = JSON.stringify({ isUploadDone: true });

/** Calls Graph's upload-session endpoints; returns parsed sessions or throws GraphRequestError. */
export class GraphClient {
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly options: GraphClientOptions) {
    this.origin = options.baseUrl.origin;
    this.basePath = options.baseUrl.pathname;
  }

  async getSession(key: SessionKey, call: GraphCall, { expandFiles = false } = {}): Promise<UploadSession> {
    const query = expandFiles ? '?$expand=files' : '';
    const answer = await this.send('GET', sessionPath(key) + query, undefined, call);
    return read(answer, (json) => toUploadSession(json, key));
  }

  async getFiles(key: SessionKey, call: GraphCall): Promise<UploadedFile[]> {
    const session = await this.getSession(key, call, { expandFiles: true });
    return session.files ?? [];
  }

  /**
   * PATCH `{"isUploadDone": true}`: the only update Graph allows on a session, so sending it again
   * cannot change anything but the flag it sets. That makes completion idempotent from the caller's
   * side: when Graph refuses it (our earlier attempt landed but its answer was lost, or the caller sent
   * it twice), the session is read, and a session that is done is the success the caller wanted.
   */
  async completeSession(key: SessionKey, call: GraphCall): Promise<UploadSession> {
    try {
      const answer = await this.send('PATCH', sessionPath(key), COMPLETE_BODY, call);
      return read(answer, (json) => toUploadSession(json, key));
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const session = await this.getSession(key, call, { expandFiles: true }).catch(() => undefined);
      if (session?.isUploadDone) {
        call.log.info({ graph: { refusedWith: error.failure.status, code: error.failure.graphCode } }, 'session was already complete');
        return session;
      }
      throw error;
    }
  }

  private async send(method: 'GET' | 'PATCH', path: string, body: string | undefined, call: GraphCall): Promise<GraphAnswer> {
    const { retry, guard } = this.options;
    let freshConnection = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await guard.run(call.signal, () => this.attempt(method, path, body, call, attempt, freshConnection));
      } catch (error) {
        if (!(error instanceof GraphRequestError)) throw error;
        const { failure } = error;
        // Graph's guidance: after a 503, retry on a new connection (the old one may be pinned to a sick node).
        freshConnection = failure.status === 503;
        const delay = retryDelayMs(retry, failure, attempt, call.deadline - Date.now());
        if (delay === undefined) throw withRetryAdvice(error, retry, attempt);
        this.options.metrics.graphRetries.inc({ reason: failure.status ? String(failure.status) : failure.kind });
        call.log.warn({ graph: logFacts(method, failure), retryInMs: Math.round(delay) }, 'retrying Graph call');
        await sleep(delay, call.signal);
      }
    }
  }

  private async attempt(
    method: string,
    path: string,
    body: string | undefined,
    call: GraphCall,
    attempt: number,
    freshConnection: boolean,
  ): Promise<GraphAnswer> {
    const clientRequestId = randomUUID();
    const started = performance.now();
    const headers: Record<string, string> = {
      authorization: await call.authorization(),
      accept: 'application/json',
      'client-request-id': clientRequestId,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (attempt > 0) headers['retry-attempt'] = String(attempt);
    const span = call.trace?.graphAttempt(method, path, attempt);
    if (span) headers.traceparent = span.traceparent;

    const { metrics } = this.options;
    let status: number | 'error' = 'error';
    let requestId: string | undefined;
    try {
      const { dispatcher, freshConnections = dispatcher } = this.options;
      const response = await (freshConnection ? freshConnections : dispatcher).request({
        origin: this.origin,
        path: this.basePath + path,
        method,
        headers,
        body,
        // The attempt timeout is undici's own (no controller and timer of ours per attempt): time to the
        // answer's headers, then at most as long between body chunks. The request's deadline aborts it too.
        signal: call.signal,
        headersTimeout: this.options.attemptTimeoutMs,
        bodyTimeout: this.options.attemptTimeoutMs,
        reset: freshConnection,
      });
      status = response.statusCode;
      requestId = header(response.headers, 'request-id');
      const text = await response.body.text();
      const json = parseJson(text);
      // The operation's own line lists every attempt; this one is for following a single call.
      call.log.debug({ graph: { method, status, requestId, clientRequestId, attempt, durationMs: elapsed(started) } }, 'Graph call');
      if (status === 429) metrics.graphThrottles.inc();
      if (response.statusCode >= 200 && response.statusCode < 300) {
        if (json === undefined) throw unreadable('the answer is not JSON', requestId, clientRequestId, response.statusCode);
        return { json, requestId, clientRequestId };
      }
      throw new GraphRequestError({
        kind: 'http',
        status: response.statusCode,
        message: `Graph answered ${response.statusCode}`,
        graphCode: graphErrorCode(json),
        requestId: requestId ?? graphInnerRequestId(json),
        clientRequestId,
        retryAfterSeconds: RETRYABLE_STATUSES.has(response.statusCode)
          ? retryAfterSeconds(header(response.headers, 'retry-after'))
          : undefined,
      });
    } catch (error) {
      if (error instanceof GraphRequestError) throw error;
      const failure = transportFailure(error, call.signal, clientRequestId);
      call.log.warn({ graph: { method, clientRequestId, attempt, failure: failure.message, durationMs: elapsed(started) } }, 'Graph call failed');
      throw new GraphRequestError(failure);
    } finally {
      const durationMs = performance.now() - started;
      const labels = { method, status: String(status) };
      metrics.graphRequests.inc(labels);
      metrics.graphDuration.observe(labels, durationMs / 1000);
      call.attempts?.push({ method, status, requestId, attempt, durationMs: Math.round(durationMs * 10) / 10 });
      span?.end(status === 'error' ? undefined : status, requestId);
    }
  }
}

/**
 * A 429 always tells the caller when to come back: Graph's Retry-After when it sent one, else the
 * backoff the gateway itself would have waited next (at least a second).
 */
function withRetryAdvice(error: GraphRequestError, retry: RetryPolicy, attempt: number): GraphRequestError {
  const { failure } = error;
  if (failure.status !== 429 || failure.retryAfterSeconds !== undefined) return error;
  const nextBackoffMs = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt + 1));
  return new GraphRequestError({ ...failure, retryAfterSeconds: Math.max(1, Math.ceil(nextBackoffMs / 1000)) });
}

/** A 4xx that says "not in this state", as opposed to who is asking, what is asked for, or how often. */
function isRefusal(error: unknown): error is GraphRequestError {
  const status = error instanceof GraphRequestError && error.failure.kind === 'http' ? error.failure.status ?? 0 : 0;
  return status >= 400 && status < 500 && ![401, 403, 404, 429].includes(status);
}

function read<T>(answer: GraphAnswer, map: (json: unknown) => T): T {
  try {
    return map(answer.json);
  } catch (error) {
    if (!(error instanceof UnreadableSessionError)) throw error;
    throw unreadable(`the session cannot be read: ${error.message}`, answer.requestId, answer.clientRequestId, 200);
  }
}

function unreadable(message: string, requestId: string | undefined, clientRequestId: string, status: number): GraphRequestError {
  return new GraphRequestError({ kind: 'unreadable', message, status, requestId, clientRequestId });
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

function parseJson(text: string): unknown {
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

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After in seconds, fractional seconds (`2.128`) or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : NaN; // HTTP dates name a day or month
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

function logFacts(method: string, failure: GraphFailure) {
  return { method, status: failure.status, code: failure.graphCode, requestId: failure.requestId, clientRequestId: failure.clientRequestId };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(deadlinePassed());
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      if (signal.aborted) reject(deadlinePassed());
      else resolve();
    }
  });
}
