import { GraphRequestError, type GraphFailure } from './graph-failure';
import type { GraphAnswer } from './graph-request';
import { RETRYABLE_STATUSES, retryAfterSeconds } from './retry-policy';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What the attempt knows of its own sending when it fails: whether Graph can have seen the whole request. */
export interface Sent {
  /** The body went out whole (a JSON body is written at once; a streamed one once its end was handed over). */
  whole: boolean;
  clientRequestId: string;
}

/**
 * A 2xx with a JSON body (or none, where Graph sends none) is the answer; anything else is a GraphRequestError
 * with Graph's facts. Graph may have acted on a 5xx other than 503 ("not now, nothing done"), and surely acted
 * on a 2xx it answered unreadably.
 */
export function answerOf(status: number, headers: ResponseHeaders, json: unknown, sent: Sent): GraphAnswer {
  const requestId = header(headers, 'request-id');
  const { clientRequestId } = sent;
  if (status >= 200 && status < 300) {
    // 204 No Content, and 202 Accepted as Graph sends it (batch apply): no body to read.
    if (json === undefined && status !== 204 && status !== 202) {
      throw new GraphRequestError({ kind: 'unreadable', message: 'the answer is not JSON', mayHaveLanded: true, status, requestId, clientRequestId });
    }
    return { status, json, requestId, clientRequestId };
  }
  throw new GraphRequestError({
    kind: 'http',
    status,
    message: `Graph answered ${status}`,
    mayHaveLanded: sent.whole && status >= 500 && status !== 503,
    graphCode: graphErrorCode(json),
    requestId: requestId ?? graphInnerRequestId(json),
    clientRequestId,
    retryAfterSeconds: RETRYABLE_STATUSES.has(status) ? retryAfterSeconds(header(headers, 'retry-after')) : undefined,
  });
}

/** undici's errors for a connection that never opened: nothing of the request reached Graph. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Sorts an error from undici into the request's deadline (`stopped`: the gateway aborted it), an attempt that
 * timed out, or a network failure. Graph may have acted on any of them once the whole request was out,
 * except on a connection that never opened.
 */
export function transportFailure(error: unknown, stopped: boolean, sent: Sent): GraphFailure {
  const code = (error as { code?: string }).code;
  const name = (error as { name?: string }).name;
  const { clientRequestId, whole } = sent;
  if (stopped) return { kind: 'deadline', message: 'the request deadline passed or its caller left', mayHaveLanded: whole, clientRequestId };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { kind: 'timeout', message: 'the Graph attempt timed out', mayHaveLanded: whole, clientRequestId };
  }
  const connected = code === undefined || !NOT_CONNECTED.has(code);
  return { kind: 'network', message: `connection failed (${code ?? name ?? 'unknown'})`, mayHaveLanded: whole && connected, clientRequestId };
}

/** Graph's body as JSON; undefined when it is empty or not JSON. */
export function jsonOrUndefined(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function header(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function graphErrorCode(json: unknown): string | undefined {
  const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

function graphInnerRequestId(json: unknown): string | undefined {
  const id = (json as { error?: { innerError?: Record<string, unknown> } } | undefined)?.error?.innerError?.['request-id'];
  return typeof id === 'string' ? id : undefined;
}
