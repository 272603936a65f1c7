import { Agent } from 'undici';
import type { Logger } from 'pino';
import { createCallerAuthenticator } from './auth/caller-authentication';
import { graphAuthorization } from './auth/graph-authorization';
import type { Config } from './config';
import { createEmulator, type Emulator } from './emulator/emulator-server';
import { GraphClient } from './graph/graph-client';
import { GraphGuard } from './graph/graph-guard';
import { createApollo, formatError, internalErrorLogger, operationRecorder } from './graphql/apollo';
import { KnownOperations } from './graphql/known-operations';
import { buildGatewaySchema } from './graphql/schema';
import { createGatewayServer } from './http/gateway-server';
import { trustedDocuments } from './http/trusted-documents';
import { Metrics } from './metrics';
import { startTracing } from './tracing';

export interface Gateway {
  /** The GraphQL endpoint. */
  url: URL;
  /** The Graph root the gateway calls. */
  graphBaseUrl: URL;
  /** The embedded emulator, in emulator mode without GRAPH_BASE_URL. */
  emulator?: Emulator;
  metrics: Metrics;
  /** Graceful stop: drain the listener, then release Graph connections and the emulator. */
  stop(): Promise<void>;
}

/** The composition root: config → credentials → Graph base URL → dispatcher → client → schema → server. */
export async function startGateway(config: Config, logger: Logger): Promise<Gateway> {
  // Credentials first: a refused secret stops start-up before anything listens.
  const authorization = graphAuthorization(config);
  logger.info({ graphAuth: config.graphAuth }, `Graph credential: ${authorization.description}`);
  await authorization.verify(logger);

  let emulator: Emulator | undefined;
  let graphBaseUrl = config.graphBaseUrl;
  if (!graphBaseUrl) {
    emulator = createEmulator();
    graphBaseUrl = await emulator.listen(0, '127.0.0.1');
  }

  // One keep-alive pool for every Graph call of the process, made once and injected; a second one only
  // opens fresh connections, for the retry after a 503.
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connect: { timeout: 5_000 } });
  const freshConnections = new Agent({ connect: { timeout: 5_000 } });
  const metrics = new Metrics();
  const guard = new GraphGuard({
    host: graphBaseUrl.host,
    maxConcurrency: config.graphMaxConcurrency,
    maxQueue: config.graphMaxQueue,
    breakerFailures: config.graphBreakerFailures,
    breakerHalfOpenAfterMs: config.graphBreakerHalfOpenMs,
    metrics,
  });
  const graph = new GraphClient({
    baseUrl: graphBaseUrl,
    dispatcher,
    freshConnections,
    guard,
    retry: { maxRetries: config.graphMaxRetries, baseDelayMs: config.graphRetryBaseMs, maxDelayMs: config.graphRetryMaxMs },
    attemptTimeoutMs: config.graphAttemptTimeoutMs,
    metrics,
  });
  if (config.authDisabled) logger.warn({ graphAuth: config.graphAuth }, 'AUTH_DISABLED=true: callers are NOT authenticated; anyone who reaches this gateway can use its Graph credential');
  const authenticate = config.callerAuth && createCallerAuthenticator(config.callerAuth, logger);
  if (config.callerAuth) logger.info({ issuer: config.callerAuth.issuer, audiences: config.callerAuth.audiences }, 'callers must send a valid access token');

  const tracing = config.otlpEndpoint ? await startTracing(config.otlpEndpoint, 'upload-session-gateway') : undefined;
  const schema = config.federation ? loadSubgraphModule().buildSubgraph() : buildGatewaySchema();
  // A subgraph's cost depends on its variables (`_entities`), checked by a plugin: it always runs through Apollo.
  const logInternal = internalErrorLogger(config.production);
  const knownOperations = config.federation
    ? undefined
    : new KnownOperations({ schema, formatError, record: operationRecorder(metrics), onErrors: (errors, context) => logInternal(errors, context.call.log) });
  const apollo = createApollo({ schema, config, metrics, logger, knownOperations });
  await apollo.start();
  const http = createGatewayServer({
    config,
    apollo,
    graph,
    authorization: authorization.authorize,
    authenticate,
    metrics,
    logger,
    trustedDocuments: trustedDocuments(config.trustedDocuments, config.trustedDocumentsManifest, logger),
    knownOperations,
    tracing,
  });
  const url = await http.listen();

  return {
    url,
    graphBaseUrl,
    emulator,
    metrics,
    async stop() {
      await http.drain();
      await apollo.stop();
      await Promise.all([dispatcher.close(), freshConnections.close()]);
      await emulator?.close();
      if (tracing) await tracing.shutdown();
    },
  };
}

/**
 * Federation's libraries are ~2 MB of heap that every full GC would mark again: loaded only for a subgraph.
 * A synchronous require keeps the module CommonJS (a dynamic import() would go through Node's ES loader).
 */
function loadSubgraphModule(): typeof import('./graphql/subgraph-schema') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  return require('./graphql/subgraph-schema');
}
