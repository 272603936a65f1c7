import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { Logger } from 'pino';
import { bearerToken } from '../auth/bearer-token';
import type { CallerAuthenticator } from '../auth/caller-authentication';
import type { GraphAuthorization } from '../auth/graph-authorization';
import type { Config } from '../config';
import type { GraphClient } from '../graph/graph-client';
import type { GatewayContext } from '../graphql/context';
import type { Metrics } from '../metrics';
import { refusalCode } from '../graphql/apollo';
import type { KnownOperations } from '../graphql/known-operations';
import type { OperationTrace, Tracing } from '../tracing';
import { applyCors } from './cors';
import { BodyIncompleteError, BodyTooLargeError, readBody } from './request-body';
import { RequestStop } from './request-stop';
import { NOT_IN_LIST, type TrustedDocuments } from './trusted-documents';

export interface GatewayServerOptions {
  config: Config;
  /** Started before the server listens. */
  apollo: ApolloServer<GatewayContext>;
  graph: GraphClient;
  authorization: GraphAuthorization;
  /** Validates callers' tokens before anything else runs; undefined when the gateway does not authenticate callers. */
  authenticate: CallerAuthenticator | undefined;
  metrics: Metrics;
  logger: Logger;
  /** TRUSTED_DOCUMENTS: which documents may run; may fill in a manifest document's text. */
  trustedDocuments: TrustedDocuments;
  /** Runs repeats of operations Apollo already validated without Apollo; undefined for a subgraph. */
  knownOperations?: KnownOperations;
  /** Set when OTEL_EXPORTER_OTLP_ENDPOINT is. */
  tracing?: Tracing;
}

/** A GraphQL request as it arrived, before Apollo's HeaderMap. */
interface ApolloRequest {
  method: string;
  headers: IncomingMessage['headers'];
  search: string;
  body: unknown;
}

export interface GatewayServer {
  server: Server;
  /** Listens on the configured host and port; resolves to the GraphQL endpoint's URL. */
  listen(port?: number, host?: string): Promise<URL>;
  /**
   * Readiness off at once; keep accepting for DRAIN_DELAY_MS (load balancers notice); stop accepting;
   * let in-flight requests finish within SHUTDOWN_GRACE_MS; close every socket.
   */
  drain(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The gateway's one HTTP listener: /graphql through Apollo, and the operational endpoints. */
export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const { config, metrics } = options;
  const corsOrigins = new Set(config.corsOrigins);
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const server = createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
    const requestId = correlationId(req);
    res.setHeader('x-request-id', requestId);
    // While draining, every answer closes its connection so keep-alive clients move to other replicas.
    if (draining) res.shouldKeepAlive = false;

    const url = new URL(req.url ?? '/', 'http://gateway');
    handle(req, res, url, requestId).catch((error: unknown) => {
      options.logger.error({ requestId, err: config.production ? String(error) : error }, 'unhandled request failure');
      if (!res.headersSent) sendJson(res, 500, errorBody('Internal server error.', 'INTERNAL_SERVER_ERROR'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout, so they close first

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    switch (url.pathname) {
      case '/graphql':
        return handleGraphQL(req, res, url, requestId);
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz':
        return draining ? sendJson(res, 503, { status: 'draining' }) : sendJson(res, 200, { status: 'ready' });
      case '/metrics':
        res.setHeader('content-type', metrics.registry.contentType);
        res.end(await metrics.registry.metrics());
        return;
      default:
        return sendJson(res, 404, errorBody(`Nothing at ${url.pathname}; GraphQL is at /graphql.`, 'NOT_FOUND'));
    }
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    if (applyCors(req, res, corsOrigins)) return;
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST, OPTIONS');
      return sendJson(res, 405, errorBody('GraphQL is served with GET (queries) and POST.', 'BAD_REQUEST'));
    }
    let body: unknown;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req);
      } catch (error) {
        if (error instanceof BodyIncompleteError) return; // the caller left mid-body: nothing to answer, nothing ran
        if (!(error instanceof BodyTooLargeError)) throw error;
        res.shouldKeepAlive = false; // the rest of the body is not read: the connection cannot be reused
        return sendJson(res, 413, errorBody('The request body is larger than 1 MB.', 'BAD_REQUEST'));
      }
      const parsed = parseBody(text, req.headers['content-type']);
      if (parsed instanceof Error) return sendJson(res, 400, errorBody(parsed.message, 'BAD_REQUEST'));
      body = parsed;
    }
    const verdict = options.trustedDocuments({ body, search: url.search });
    if (!verdict.trusted) return sendJson(res, 400, errorBody(verdict.message, NOT_IN_LIST));

    // The caller leaving, or the deadline passing, stops waits and retries on its behalf. One
    // signal and one timer, cleared with the response (cheaper than AbortSignal.any + timeout).
    const signal = new RequestStop();
    const deadline = Date.now() + config.requestDeadlineMs;
    const timer = setTimeout(() => signal.abort(new DOMException('The request deadline passed.', 'TimeoutError')), config.requestDeadlineMs);
    res.on('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) signal.abort();
    });

    const traceparent = req.headers.traceparent;
    const trace = options.tracing?.startOperation(typeof traceparent === 'string' ? traceparent : undefined);
    const graphQLRequest = { method: req.method, headers: req.headers, ...verdict.request };
    let context: GatewayContext;
    try {
      // The caller is authenticated before any GraphQL runs, on either path below.
      context = await createContext(req, requestId, signal, deadline, trace);
    } catch (refusal) {
      trace?.end('caller-refused', refusalCode(refusal));
      // Apollo renders a refused caller as any failed context: its status, its body, the `caller-refused` count.
      return writeResponse(res, await runApollo(graphQLRequest, () => Promise.reject(refusal)));
    }
    let response: HTTPGraphQLResponse;
    try {
      const known = options.knownOperations && plainJson(req) ? await options.knownOperations.run(verdict.request.body, context) : undefined;
      if (known !== undefined) return sendBody(res, known);
      response = await runApollo(graphQLRequest, async () => context);
    } finally {
      // Both paths end the span with the outcome; requests Apollo refused before any operation end here.
      trace?.end('unparsed request', 'BAD_REQUEST');
    }
    await writeResponse(res, response);
  }

  async function createContext(req: IncomingMessage, requestId: string, signal: AbortSignal, deadline: number, trace: OperationTrace | undefined): Promise<GatewayContext> {
    const bearer = bearerToken(req.headers);
    const caller = await options.authenticate?.(bearer);
    return {
      graph: options.graph,
      requestId,
      caller,
      sessionReads: new Map(),
      call: {
        authorization: options.authorization({ bearer, signal }),
        signal,
        deadline,
        log: options.logger.child(caller ? { requestId, caller } : { requestId }),
        trace,
        attempts: [],
      },
    };
  }

  function runApollo(request: ApolloRequest, context: () => Promise<GatewayContext>): Promise<HTTPGraphQLResponse> {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    return options.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { ...request, headers }, context });
  }

  return {
    server,
    async listen(port = config.port, host = config.host) {
      server.listen(port, host);
      await once(server, 'listening');
      const address = server.address() as AddressInfo;
      const hostname = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
      return new URL(`http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${address.port}/graphql`);
    },
    async drain() {
      draining = true;
      if (config.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.drainDelayMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        const finished = new Promise<void>((resolve) => (idle = resolve));
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, config.shutdownGraceMs)));
        await Promise.race([finished, grace]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** The caller's `x-request-id` when sane, else the trace id of its W3C `traceparent`, else a new one. */
function correlationId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  if (typeof incoming === 'string' && REQUEST_ID.test(incoming)) return incoming;
  const traceparent = req.headers.traceparent;
  const traceId = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
  return traceId ?? randomUUID();
}

/** A JSON POST answered as plain JSON: the only shape the known-operations path serves. */
function plainJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  const contentType = req.headers['content-type'];
  return (
    req.method === 'POST' &&
    (accept === undefined || accept === 'application/json' || accept === '*/*') &&
    (contentType === 'application/json' || contentType === 'application/json; charset=utf-8')
  );
}

function sendBody(res: ServerResponse, body: string): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(body);
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!contentType?.toLowerCase().includes('json')) return text;
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return new Error('The request body is not valid JSON.');
  }
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  res.statusCode = response.status ?? 200;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) {
    if (!res.write(chunk)) await once(res, 'drain');
  }
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}
