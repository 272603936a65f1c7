import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { CallerRefusedError, type CallerRefusalReason } from '../../auth/caller-refusal';
import type { CallerIdentity } from '../../auth/caller-authentication';
import type { GraphAuthorization } from '../../auth/graph-authorization';
import type { GraphQLConfig, UploadConfig, WatchTarget } from '../../config';
import type { GraphClient } from '../../graph/graph-client';
import type { WebSocketUpgrade } from '../../http/server';
import type { Metrics } from '../../metrics';
import { formatError, withoutSchemaHints } from '../edge/apollo';
import { callerKey, callerLimited } from '../edge/caller-limit';
import type { GraphQLHandlerOptions } from '../edge/handler';
import { CALLER_REFUSAL_CODES, toGraphQLError } from '../edge/to-graphql-error';
import { recordOutcome } from '../edge/operation-record';
import type { TrustedDocuments } from '../edge/trusted-documents';
import { createDocumentBounds } from '../cost/document-bounds';
import { SessionLoader } from '../upload-sessions/session-loader';
import { checkSubscription, SubscriptionRefusal } from './subscription-checks';
import { subscriberRefusal } from '../catalog-access/catalog-access.plugin';
import type { CatalogAuthorizer } from '../../auth/catalog-authorization';
import type { GraphCall } from '../../graph/graph-client';
import type { SubscriptionContext } from './subscription-context';

export interface WebSocketEndpointOptions {
  schema: GraphQLSchema;
  config: GraphQLConfig;
  graph: GraphClient;
  authorization: GraphAuthorization;
  callerCredential: GraphQLHandlerOptions['callerCredential'];
  trustedDocuments: TrustedDocuments;
  callerLimit?: GraphQLHandlerOptions['callerLimit'];
  watched: readonly WatchTarget[];
  /** CATALOG_AUTHORIZATION=graph: a subscriber needs Catalog owner or reader on the catalog it subscribes to. */
  catalogs?: CatalogAuthorizer<GraphCall>;
  upload: UploadConfig;
  metrics: Metrics;
  logger: Logger;
}

/** The graphql-ws close codes for a refused connection_init (the protocol's 4401 and 4403), and 1013 for "try again later". */
const CLOSE: Record<CallerRefusalReason, [number, string]> = { unauthenticated: [4401, 'Unauthorized'], forbidden: [4403, 'Forbidden'], unavailable: [1013, 'Try again later'] };
/** Idle connections are pinged this often (a WebSocket ping frame; no pong by the next one closes the socket). */
const KEEP_ALIVE_MS = 12_000;
const BEARER = /^Bearer ([\w.~+/-]+=*)$/i;

interface Connection {
  caller: CallerIdentity | undefined;
  bearer: string | undefined;
  /** Each running subscription's context, by its id: recorded once when it ends. */
  subscriptions: Map<string, Running>;
}

/**
 * GraphQL subscriptions over the GraphQL over WebSocket protocol (graphql-ws with ws, as Apollo Server 5 documents)
 * on /graphql. Apollo's HTTP pipeline does not run here, so the connection and each `subscribe` meet the same
 * checks as an HTTP request (the caller from `connection_init`, trusted documents, document bounds, the Graph-call
 * limit, schema hints), and each subscription leaves the same log line and metrics when it ends.
 */
export function createWebSocketEndpoint(options: WebSocketEndpointOptions): WebSocketUpgrade {
  const { schema, config, metrics, logger } = options;
  const webSockets = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  const connections = new WeakMap<Context<Record<string, unknown>, Extra & Partial<Record<PropertyKey, never>>>, Connection>();
  const checks = { schema, trustedDocuments: options.trustedDocuments, documentBounds: createDocumentBounds(), maxGraphCalls: config.maxGraphCallsPerOperation, hideSchemaHints: !config.introspection };
  const format = config.introspection ? formatError : withoutSchemaHints;

  const server = useServer<Record<string, unknown>>(
    {
      schema,
      isProd: config.production,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        const refusal = await authenticate(options, ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization);
        if ('reason' in refusal) {
          const [code, reason] = CLOSE[refusal.reason];
          const context = newContext(options, undefined, new AbortController().signal);
          recordOutcome(metrics, context, { operation: 'caller-refused', refused: 'caller-refused', code: CALLER_REFUSAL_CODES[refusal.reason], status: code });
          ctx.extra.socket.close(code, reason);
          return false;
        }
        connections.set(ctx, { ...refusal, subscriptions: new Map() });
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connections.get(ctx)!;
        const subscribed = await subscribe(options, checks, connection, ctx.extra.request.socket.remoteAddress ?? '', payload as unknown as Record<string, unknown>);
        if (Array.isArray(subscribed)) return subscribed;
        connection.subscriptions.set(id, subscribed.running);
        return { schema, ...subscribed.args, contextValue: subscribed.running.context };
      },
      onNext: (ctx, id, _payload, _args, result) => (result.errors ? { ...result, errors: failed(connections.get(ctx)?.subscriptions.get(id), result.errors, format) } : undefined),
      // A subscription that fails (its source throws) answers with a closed code too, masked as on HTTP.
      onError: (ctx, id, _payload, errors) => failed(connections.get(ctx)?.subscriptions.get(id), errors, format),
      onComplete: (ctx, id, payload) => {
        const running = connections.get(ctx)?.subscriptions.get(id);
        if (!running) return;
        connections.get(ctx)!.subscriptions.delete(id);
        running.stop.abort();
        recordOutcome(metrics, running.context, { operation: typeof payload.operationName === 'string' ? payload.operationName : 'anonymous', code: running.failedWith ?? 'OK', status: 200 });
      },
    },
    webSockets,
    KEEP_ALIVE_MS,
  );

  return {
    handleUpgrade(req, socket, head) {
      webSockets.handleUpgrade(req, socket, head, (webSocket) => webSockets.emit('connection', webSocket, req));
    },
    async drain() {
      logger.info({ webSockets: webSockets.clients.size }, 'closing WebSocket connections (1001)');
      await server.dispose();
    },
  };
}

type Checks = Parameters<typeof checkSubscription>[0];

/** A running subscription: its context, how to stop it, and the first error it answered (its recorded outcome). */
interface Running {
  context: SubscriptionContext;
  stop: AbortController;
  failedWith?: string;
}

/** Errors formatted as HTTP formats them (closed codes, no hints where introspection is off); the first code is kept. */
function failed(running: Running | undefined, errors: readonly GraphQLError[], format: typeof formatError): GraphQLFormattedError[] {
  const formatted = errors.map((error) => format(error.toJSON(), error));
  if (running) running.failedWith ??= String(formatted[0]?.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  return formatted;
}

/** One `subscribe`: the caller's limit, then the document's checks; the errors to answer, or what to run. */
async function subscribe(options: WebSocketEndpointOptions, checks: Checks, connection: Connection, clientAddress: string, payload: Record<string, unknown>) {
  const { metrics } = options;
  const stop = new AbortController();
  const context = newContext(options, connection.caller, stop.signal);
  if (options.callerLimit) {
    const { limiter, source } = options.callerLimit;
    const retryInMs = await limiter(callerKey(source, { identity: connection.caller, bearer: connection.bearer, clientAddress }));
    if (retryInMs !== undefined) {
      const { code, status, message, extensions } = callerLimited(retryInMs);
      recordOutcome(metrics, context, { operation: 'caller-refused', refused: 'caller-refused', code, status });
      return [new GraphQLError(message, { extensions: { ...extensions, code } })];
    }
  }
  const checked = checkSubscription(checks, payload, context);
  if (checked instanceof SubscriptionRefusal) {
    recordOutcome(metrics, context, { operation: 'request-refused', refused: 'request-refused', code: String(checked.code), status: checked.status });
    return [...checked.errors];
  }
  const refusedCatalog = options.catalogs && (await subscriberRefusal(options.catalogs, context, checks.schema, checked));
  if (refusedCatalog) {
    const error = toGraphQLError(refusedCatalog);
    recordOutcome(metrics, context, { operation: 'caller-refused', refused: 'caller-refused', code: String(error.extensions.code), status: 403 });
    return [error];
  }
  return { running: { context, stop }, args: checked };
}

/** The caller of a connection, from `connection_init`'s `authorization` (browsers cannot set WebSocket headers); or why it is refused. */
async function authenticate(options: WebSocketEndpointOptions, authorization: unknown): Promise<Omit<Connection, 'subscriptions'> | { reason: CallerRefusalReason }> {
  const bearer = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
  const { callerCredential } = options;
  if (callerCredential.kind === 'none') return { caller: undefined, bearer };
  if (callerCredential.kind === 'bearer') {
    if (bearer === undefined) return { reason: 'unauthenticated' };
    // As on HTTP: a passthrough token from a tenant AUTH_TENANTS does not list is refused before anything runs.
    try {
      callerCredential.check?.(bearer);
    } catch (error) {
      if (error instanceof CallerRefusedError) return { reason: error.reason };
      throw error;
    }
    return { caller: undefined, bearer };
  }
  try {
    return { caller: await callerCredential.authenticate(bearer), bearer };
  } catch (error) {
    if (error instanceof CallerRefusedError) return { reason: error.reason };
    throw error;
  }
}

/** A subscription's context, as a request's: its own correlation id, Graph call and log line. */
function newContext(options: WebSocketEndpointOptions, caller: CallerIdentity | undefined, signal: AbortSignal): SubscriptionContext {
  const requestId = randomUUID();
  const log = options.logger.child({ requestId, transport: 'websocket', ...(caller ? { caller } : {}) });
  const call = { authorization: options.authorization({ bearer: undefined, signal, tenantId: caller?.tid }), signal, deadline: Number.POSITIVE_INFINITY, log, attempts: [] };
  return {
    graph: options.graph,
    call,
    requestId,
    caller,
    sessions: new SessionLoader(options.graph, call),
    upload: { ...options.upload, multipart: false },
    outcome: { started: performance.now() },
    watched: options.watched,
  };
}
