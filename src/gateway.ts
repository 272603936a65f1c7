import type { GraphQLSchema } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './graphql/edge/context';
import { Agent } from 'undici';
import type { Logger } from 'pino';
import { createCallerAuthenticator } from './auth/caller-authentication';
import { unauthenticated } from './auth/caller-refusal';
import { CatalogAuthorizer } from './auth/catalog-authorization';
import { graphAuthorization, type GraphAuthorizationPlan } from './auth/graph-authorization';
import { tenantListed } from './auth/issuer-template';
import { stringClaim, unverifiedClaims } from './auth/token-claims';
import { throttleScopeOf } from './auth/throttle-scope';
import type { Config } from './config';
import type { Emulator } from './emulator/server/emulator-server';
import { GraphClient, type GraphCall } from './graph/graph-client';
import type { Guid } from './graph/odata/ids';
import { catalogAccess } from './graphql/catalog-access/catalog-access.plugin';
import { guardCatalogFields } from './graphql/catalog-access/catalog-guard';
import { GraphGuard } from './graph/transport/graph-guard';
import { ScopePauses } from './graph/transport/scope-pauses';
import type { CallerSource } from './graphql/edge/caller-limit';
import { createApollo } from './graphql/edge/apollo';
import { createDeveloperConsole } from './graphql/console/developer-console';
import { SANDBOX_DOCUMENT } from './graphql/console/sandbox-document';
import { createGraphQLHandler, type GraphQLHandlerOptions } from './graphql/edge/handler';
import { buildGatewaySchema } from './graphql/schema/schema';
import { trustedDocuments } from './graphql/edge/trusted-documents';
import { createHttpServer } from './http/server';
import { Metrics } from './metrics';
import type { RedisState } from './shared-state/redis-state';
import { startTracing } from './tracing';
import { createWebSocketEndpoint } from './graphql/subscriptions/websocket-endpoint';
import { EventPubSub } from './graphql/subscriptions/event-pubsub';
import { topicOf } from './watch/review-event';
import { startWatching } from './watch/watching';

export interface Gateway {
  /** The GraphQL endpoint. */
  url: URL;
  /** /metrics on METRICS_PORT, when set. */
  metricsUrl: URL | undefined;
  /** The Graph root the gateway calls. */
  graphBaseUrl: URL;
  /** The embedded emulator, in emulator mode without GRAPH_BASE_URL. */
  emulator?: Emulator;
  metrics: Metrics;
  /** Graceful stop: drain the listener, then release Graph connections and the emulator. */
  stop(): Promise<void>;
}

/** What a test may put in place of the built one: a schema with probe fields of its own. */
export interface GatewayOverrides {
  schema?: GraphQLSchema;
}

/** The composition root: config → credentials → Graph base URL → dispatcher → client → schema → GraphQL → HTTP. */
export async function startGateway(config: Config, logger: Logger, overrides: GatewayOverrides = {}): Promise<Gateway> {
  // Credentials first: a refused secret stops start-up before anything listens.
  const authorization = graphAuthorization(config.graph, config.auth);
  logger.info({ graphAuth: config.graph.auth }, `Graph credential: ${authorization.description}`);
  await authorization.verify(logger);

  const emulator = config.graph.baseUrl ? undefined : loadEmulator().createEmulator();
  const graphBaseUrl = config.graph.baseUrl ?? (await emulator!.listen(0, '127.0.0.1'));

  const metrics = new Metrics();
  const redis = config.sharedState.redisUrl ? startRedisState(config, logger, metrics) : undefined;
  const { graph, dispatchers } = createGraphClient(config, graphBaseUrl, metrics, redis);

  const tracing = config.observability.otlpEndpoint ? await startTracing(config.observability.otlpEndpoint, 'upload-session-gateway') : undefined;
  const { watching, pubSub } = startReviewEvents(config, graph, authorization, redis, metrics, logger);
  const catalogs = catalogAuthorization(config, graph, logger);
  const { schema, plugins } = servedSchema(config, overrides, pubSub, catalogs && catalogAccess(catalogs));
  const apollo = createApollo({ schema, config: config.graphql, logger, plugins });
  await apollo.start();
  const checks = edgeChecks(config, redis, logger);
  const http = createHttpServer({
    config: config.server,
    upload: config.upload,
    // Federation serves no subscriptions (the router's clients subscribe to the gateway itself).
    webSocket: config.graphql.federation
      ? undefined
      : createWebSocketEndpoint({ schema, config: config.graphql, graph, authorization: authorization.authorize, ...checks, catalogs, watched: config.watch.targets, upload: config.upload, metrics, logger }),
    graphql: createGraphQLHandler({
      apollo,
      graph,
      authorization: authorization.authorize,
      ...checks,
      console: createDeveloperConsole({ ide: config.graphql.ide, document: SANDBOX_DOCUMENT, variables: { ...config.graphql.exampleVariables } }),
      upload: config.upload,
      metrics,
      logger,
      tracing,
    }),
    metrics: { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics() },
    logger,
  });
  const url = await http.listen();

  return {
    url,
    metricsUrl: http.metricsUrl(),
    graphBaseUrl,
    emulator,
    metrics,
    async stop() {
      await watching?.stop();
      await http.drain();
      await apollo.stop();
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
      redis?.close();
      await emulator?.close();
      if (tracing) await tracing.shutdown();
    },
  };
}

/** Watching (WATCH) reads Graph with the gateway's own identity; its events reach subscriptions through the schema's pubSub. */
function startReviewEvents(config: Config, graph: GraphClient, authorization: GraphAuthorizationPlan, redis: RedisState | undefined, metrics: Metrics, logger: Logger) {
  const watching =
    config.watch.targets.length === 0
      ? undefined
      : startWatching({ config: config.watch, graph, authorization: (signal, tenantId) => authorization.authorize({ bearer: undefined, signal, tenantId }), redis, registry: metrics.registry, logger });
  const pubSub = new EventPubSub();
  watching?.bus.listen((event) => pubSub.publish(topicOf(event), event));
  return { watching, pubSub };
}

/**
 * The Graph client and what it sends through: one keep-alive pool for every Graph call of the process,
 * made once and injected (a second one only opens fresh connections, for the retry after a 503), the
 * breaker and bulkhead, and the throttling pauses, shared with the other replicas when Redis is there.
 */
function createGraphClient(config: Config, graphBaseUrl: URL, metrics: Metrics, redis: RedisState | undefined) {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connect: { timeout: 5_000 } });
  const freshConnections = new Agent({ connect: { timeout: 5_000 } });
  const pauses = new ScopePauses({ scopeOf: throttleScopeOf(config.graph), broadcast: redis, metrics });
  redis?.onPause((scope, pauseMs) => pauses.pause(scope, pauseMs, 'replica'));
  const graph = new GraphClient({
    baseUrl: graphBaseUrl,
    dispatcher,
    freshConnections,
    guard: new GraphGuard({
      host: graphBaseUrl.host,
      maxConcurrency: config.graph.maxConcurrency,
      maxQueue: config.graph.maxQueue,
      breakerFailures: config.graph.breakerFailures,
      breakerHalfOpenAfterMs: config.graph.breakerHalfOpenMs,
      metrics,
    }),
    pauses,
    retry: { maxRetries: config.graph.maxRetries, baseDelayMs: config.graph.retryBaseMs, maxDelayMs: config.graph.retryMaxMs },
    attemptTimeoutMs: config.graph.attemptTimeoutMs,
    metrics,
  });
  return { graph, dispatchers: [dispatcher, freshConnections] };
}

/** How callers prove themselves, decided once: a validated token, any bearer token to pass on, or nothing. */
function callerCredential({ graph, auth }: Config, logger: Logger): GraphQLHandlerOptions['callerCredential'] {
  if (auth.callers) {
    logger.info({ issuer: auth.callers.issuer, audiences: auth.callers.audiences, tenants: auth.tenants }, 'callers must send a valid access token');
    return { kind: 'token', authenticate: createCallerAuthenticator(auth.callers, logger, auth.tenants) };
  }
  if (graph.auth === 'passthrough' && auth.tenants) {
    // Graph checks the token itself; its `tid` only decides, before anything runs, whether its tenant is served.
    const check = (bearer: string) => {
      if (!tenantListed(auth.tenants, stringClaim(unverifiedClaims(bearer)?.tid))) throw unauthenticated('The Microsoft Graph token is from a tenant this gateway does not serve.');
    };
    return { kind: 'bearer', check };
  }
  if (auth.disabled) logger.warn({ graphAuth: graph.auth }, 'AUTH_DISABLED=true: callers are NOT authenticated; anyone who reaches this gateway can use its Graph credential');
  // Passthrough forwards the caller's token and on-behalf-of exchanges it: without one there is nothing to call Graph with.
  return graph.auth === 'passthrough' || graph.auth === 'obo' ? { kind: 'bearer' } : { kind: 'none' };
}

/**
 * CATALOG_AUTHORIZATION=graph: the plugin that checks each catalog's role (its schema guard is applied by the
 * caller), reading roles with the request's Graph call (the gateway's identity in the caller's tenant).
 */
/** One of each for HTTP and WebSocket alike: a caller's limit is one count, whichever way it comes. */
function edgeChecks(config: Config, redis: RedisState | undefined, logger: Logger) {
  const { trustedDocuments: mode, trustedDocumentsManifest: manifest } = config.graphql;
  return { callerCredential: callerCredential(config, logger), trustedDocuments: trustedDocuments(mode, manifest, logger), callerLimit: callerLimit(config, redis) };
}

/** The schema Apollo and the WebSocket endpoint serve: its root fields guarded when catalog authorization is on. */
function servedSchema(config: Config, overrides: GatewayOverrides, pubSub: EventPubSub, catalogs: ApolloServerPlugin<GatewayContext> | undefined) {
  const built = overrides.schema ?? (config.graphql.federation ? loadSubgraphModule().buildSubgraph() : buildGatewaySchema({ pubSub }));
  return catalogs ? { schema: guardCatalogFields(built), plugins: [catalogs] } : { schema: built, plugins: [] };
}

function catalogAuthorization({ catalogAuthorization: catalogs, graph: graphConfig }: Config, graph: GraphClient, logger: Logger) {
  if (catalogs.mode === 'off') {
    if (graphConfig.auth === 'app') logger.warn('CATALOG_AUTHORIZATION=off: every authenticated caller may act on every catalog the gateway’s identity can reach');
    return undefined;
  }
  logger.info({ ttlSeconds: catalogs.ttlMs / 1000 }, 'CATALOG_AUTHORIZATION=graph: callers act only on catalogs they hold a catalog role on');
  const authorizer = new CatalogAuthorizer<GraphCall>(
    (caller, catalogId, call) => graph.catalogRoles.roleOf({ id: caller.oid, kind: caller.principal }, catalogId as Guid, call),
    catalogs.ttlMs,
  );
  return authorizer;
}

/** Redis and its client are loaded only with REDIS_URL; the gateway serves at once, whether Redis is there or not. */
function startRedisState({ sharedState }: Config, logger: Logger, metrics: Metrics): RedisState {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when configured, as above
  const { RedisState } = require('./shared-state/redis-state') as typeof import('./shared-state/redis-state');
  const redis = new RedisState({ url: sharedState.redisUrl!.reveal(), host: sharedState.redisHost!, logger, metrics });
  redis.start();
  return redis;
}

/** RATE_LIMIT_PER_CALLER, counted on Redis when there is one; the caller is its validated token, its Graph token or its address. */
function callerLimit({ sharedState, auth, graph }: Config, redis: RedisState | undefined): GraphQLHandlerOptions['callerLimit'] {
  if (!sharedState.callerLimit) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when configured
  const { createCallerLimiter } = require('./shared-state/caller-limiter') as typeof import('./shared-state/caller-limiter');
  const source: CallerSource = auth.callers ? 'token' : graph.auth === 'passthrough' ? 'graph-token' : 'address';
  return { limiter: createCallerLimiter(sharedState.callerLimit, redis?.commands), source };
}

/** The emulator's code is loaded only in emulator mode. */
function loadEmulator(): typeof import('./emulator/server/emulator-server') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  return require('./emulator/server/emulator-server');
}

/**
 * Federation's libraries are heap that every full GC would mark again (BENCHMARKS.md): loaded only for a subgraph.
 * A synchronous require keeps the module CommonJS (a dynamic import() would go through Node's ES loader).
 */
function loadSubgraphModule(): typeof import('./graphql/schema/subgraph-schema') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  return require('./graphql/schema/subgraph-schema');
}
