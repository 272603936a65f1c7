import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config';
import { createCors } from './cors';
import { upgradeHandler, type WebSocketUpgrade } from './websocket-upgrade';
import type { GraphQLHandler, HttpAnswer } from './graphql-request';
import { lingerIfBodyUnread } from './lingering-close';
import { requestDeadline } from './request-deadline';
import { isMultipart, readRequestBody } from './request-body';

export type { WebSocketUpgrade } from './websocket-upgrade';

export interface HttpServerOptions {
  config: ServerConfig;
  /** A multipart upload: its largest file (UPLOAD_MAX_BYTES) and its deadline (UPLOAD_DEADLINE_MS). */
  upload: { maxBytes: number; deadlineMs: number };
  /** Answers /graphql once the body is read. */
  graphql: GraphQLHandler;
  /** The Prometheus text for /metrics (on METRICS_PORT when set, else on the public port). */
  metrics: { contentType: string; render(): Promise<string> };
  /** WebSocket upgrades of /graphql (GraphQL subscriptions), once their origin is one CORS admits. */
  webSocket?: WebSocketUpgrade;
  logger: Logger;
}

export interface HttpServer {
  /** Listens on the configured host and port (and METRICS_PORT); resolves to the GraphQL endpoint's URL. */
  listen(): Promise<URL>;
  /** The metrics listener's URL, when METRICS_PORT is set and listening. */
  metricsUrl(): URL | undefined;
  /**
   * Readiness off at once; keep accepting for DRAIN_DELAY_MS (load balancers notice); stop accepting;
   * let in-flight requests finish within SHUTDOWN_GRACE_MS; close every socket.
   */
  drain(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const GRAPHQL_PATH = '/graphql';
const GRAPHQL_QUERY = `${GRAPHQL_PATH}?`;
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** The gateway's HTTP listener: /graphql handed to the GraphQL layer, and the operational endpoints. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { config, upload, metrics, logger } = options;
  let draining = false;
  const routing: Routing = {
    options,
    applyCors: createCors({ origins: config.corsOrigins, loopback: config.corsLoopback, logger }),
    separateMetrics: config.metricsPort !== undefined,
    isDraining: () => draining,
  };
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const server = createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      if (--inFlight === 0) idle?.();
    });
    const requestId = correlationId(req);
    res.setHeader('x-request-id', requestId);
    // While draining, every answer closes its connection so keep-alive clients move to other replicas.
    if (draining) res.shouldKeepAlive = false;
    route(routing, req, res, requestId).catch((error: unknown) => failed(logger, res, requestId, error));
  });
  if (options.webSocket) server.on('upgrade', upgradeHandler(config, () => draining, options.webSocket));
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout, so they close first
  // Node's default (300 s) would cut a large upload off; the deadlines below bound every request instead.
  server.requestTimeout = Math.max(config.requestDeadlineMs, upload.deadlineMs) + 5_000;

  const metricsServer = routing.separateMetrics ? createMetricsServer(metrics, logger) : undefined;

  return {
    async listen() {
      server.listen(config.port, config.host);
      await once(server, 'listening');
      if (metricsServer) {
        metricsServer.listen(config.metricsPort, config.host);
        await once(metricsServer, 'listening');
      }
      return endpoint(server, '/graphql');
    },
    metricsUrl: () => (metricsServer?.listening ? endpoint(metricsServer, '/metrics') : undefined),
    async drain() {
      draining = true;
      if (config.drainDelayMs > 0) await sleep(config.drainDelayMs);
      // Subscriptions never finish on their own: 1001 (going away) tells their clients to reconnect elsewhere.
      if (options.webSocket) await withinGrace(options.webSocket.drain(), config.shutdownGraceMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await withinGrace(new Promise<void>((resolve) => (idle = resolve)), config.shutdownGraceMs);
      server.closeAllConnections();
      await closed;
      if (metricsServer) await closeNow(metricsServer);
    },
  };
}

/** METRICS_PORT's listener: /metrics alone. */
function createMetricsServer(metrics: HttpServerOptions['metrics'], logger: Logger): Server {
  return createServer((req, res) => {
    const pathname = requestTarget(req.url)?.pathname;
    if (pathname !== '/metrics') return sendJson(res, 404, notFound(`Only /metrics is served on this port, not ${pathname ?? 'an invalid URL'}.`));
    serveMetrics(metrics, res).catch((error: unknown) => failed(logger, res, undefined, error));
  });
}

/** What routing a request needs, made once per server. */
interface Routing {
  options: HttpServerOptions;
  applyCors: ReturnType<typeof createCors>;
  /** /metrics is served on METRICS_PORT, not here. */
  separateMetrics: boolean;
  isDraining(): boolean;
}

async function route(routing: Routing, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const url = requestTarget(req.url);
  if (url === undefined) return sendJson(res, 400, { errors: [{ message: 'The request target is not a valid URL.', extensions: { code: 'BAD_REQUEST' } }] });
  switch (url.pathname) {
    case '/graphql':
      return handleGraphQL(routing, req, res, url, requestId);
    case '/healthz':
      return sendJson(res, 200, { status: 'ok' });
    case '/readyz':
      return routing.isDraining() ? sendJson(res, 503, { status: 'draining' }) : sendJson(res, 200, { status: 'ready' });
    case '/metrics':
      if (!routing.separateMetrics) return serveMetrics(routing.options.metrics, res);
  }
  return sendJson(res, 404, notFound(`Nothing at ${url.pathname}; GraphQL is at /graphql.`));
}

async function serveMetrics(metrics: HttpServerOptions['metrics'], res: ServerResponse): Promise<void> {
  res.setHeader('content-type', metrics.contentType);
  res.end(await metrics.render());
}

async function handleGraphQL(routing: Routing, req: IncomingMessage, res: ServerResponse, url: RequestTarget, requestId: string): Promise<void> {
  const { config, upload, graphql } = routing.options;
  if (routing.applyCors(req, res)) return;
  // The caller leaving, or the deadline passing, stops waits and retries on its behalf. An upload streams
  // a file that may be gigabytes: it has a deadline of its own.
  const { signal, deadline } = requestDeadline(res, isMultipart(req) ? upload.deadlineMs : config.requestDeadlineMs);
  const body = await readRequestBody(req, res, upload.maxBytes);
  if (body === undefined) return; // the caller left mid-body: nothing to answer, nothing ran
  const answer = await graphql({
    method: req.method ?? 'GET',
    headers: req.headers,
    search: url.search,
    body,
    requestId,
    clientAddress: req.socket.remoteAddress ?? '',
    signal,
    deadline,
  });
  await write(res, answer);
}

function failed(logger: Logger, res: ServerResponse, requestId: string | undefined, error: unknown): void {
  logger.error({ requestId, err: { type: (error as Error)?.name, message: String((error as Error)?.message ?? error) } }, 'unhandled request failure');
  if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  else res.destroy();
}

/** Waits for `finished`, at most `graceMs`. */
async function withinGrace(finished: Promise<void>, graceMs: number): Promise<void> {
  const grace = new AbortController();
  await Promise.race([finished, sleep(graceMs, undefined, { signal: grace.signal }).catch(() => {})]);
  grace.abort();
}

function closeNow(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

/** The caller's `x-request-id` when sane, else the trace id of its W3C `traceparent`, else a new one. */
function correlationId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  if (typeof incoming === 'string' && REQUEST_ID.test(incoming)) return incoming;
  const traceparent = req.headers.traceparent;
  const traceId = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
  return traceId ?? randomUUID();
}

type RequestTarget = Pick<URL, 'pathname' | 'search'>;

/**
 * The path and query of a request, or undefined when its target is not a URL. `/graphql` and `/graphql?…`
 * as they come (every operation's target) are split without a WHATWG URL, whose parse cost more than the rest of
 * the routing (BENCHMARKS.md, "Measured choices in the code"); anything else (dot segments, a fragment, an empty `?`) is parsed in full, so both give what
 * `new URL` gives.
 */
function requestTarget(target = '/'): RequestTarget | undefined {
  if (target === GRAPHQL_PATH) return { pathname: GRAPHQL_PATH, search: '' };
  if (target.startsWith(GRAPHQL_QUERY) && target.length > GRAPHQL_QUERY.length && !target.includes('#')) {
    return { pathname: GRAPHQL_PATH, search: target.slice(GRAPHQL_PATH.length) };
  }
  return URL.canParse(target, 'http://gateway') ? new URL(target, 'http://gateway') : undefined;
}

function endpoint(server: Server, path: string): URL {
  const address = server.address() as AddressInfo;
  const hostname = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
  return new URL(`http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${address.port}${path}`);
}

async function write(res: ServerResponse, answer: HttpAnswer): Promise<void> {
  lingerIfBodyUnread(res);
  res.statusCode = answer.status;
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  if (typeof answer.body === 'string' || answer.body instanceof Uint8Array) return void res.end(answer.body);
  for await (const chunk of answer.body) {
    if (!res.write(chunk)) await once(res, 'drain');
  }
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  lingerIfBodyUnread(res);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function notFound(message: string) {
  return { errors: [{ message, extensions: { code: 'NOT_FOUND' } }] };
}
