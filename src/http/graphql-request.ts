import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the HTTP layer hands the GraphQL layer: a request whose body has been read (or refused) and
 * which carries its correlation id, its stop signal and its deadline. Nothing GraphQL has been decided.
 */
export interface GraphQLHttpRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The query string, `?…` or empty (GET operations live there). */
  search: string;
  body: ReceivedBody;
  requestId: string;
  /** The peer's IP address (a proxy's, behind one). */
  clientAddress: string;
  /** Aborts when the caller leaves or the deadline passes; its reason says which. */
  signal: AbortSignal;
  /** Epoch milliseconds. */
  deadline: number;
}

export type ReceivedBody =
  | { kind: 'none' }
  /** A JSON body, parsed; any JSON value (the GraphQL layer decides what shape is acceptable). */
  | { kind: 'json'; value: unknown }
  /** A body of another media type, as text; GraphQL refuses it. */
  | { kind: 'text'; value: string }
  /** A GraphQL multipart request (file upload): its operation, with `Upload`s in place of files still streaming. */
  | { kind: 'multipart'; value: unknown }
  /** The HTTP layer could not take the body: the GraphQL layer renders the refusal (and logs it). */
  | { kind: 'refused'; status: number; message: string };

/** The GraphQL layer's answer; the HTTP layer writes it as it is. */
export interface HttpAnswer {
  status: number;
  headers: Iterable<[string, string]>;
  /** Bytes: already encoded, as its `content-encoding` header says. */
  body: string | Uint8Array | AsyncIterable<string>;
}

export type GraphQLHandler = (request: GraphQLHttpRequest) => Promise<HttpAnswer>;

/** Whether a request's `signal` stopped because its caller went away (`AbortError`), not because its deadline passed (`TimeoutError`). */
export function callerWentAway(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as { name?: unknown } | undefined)?.name === 'AbortError';
}
