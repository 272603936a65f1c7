import { Agent } from 'undici';
import type { Logger } from 'pino';
import { graphAuthorization } from './auth/graph-authorization';
import type { Config } from './config';
import { createEmulator, type Emulator } from './emulator/emulator-server';
import { GraphClient } from './graph/graph-client';
import { createApollo, formatError, internalErrorLogger, operationRecorder } from './graphql/apollo';
import { KnownOperations } from './graphql/known-operations';
import { buildGatewaySchema } from './graphql/schema';
import { createGatewayServer } from './http/gateway-server';
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

/** The composition root: config → Graph base URL → dispatcher → client → schema → server. */
export async function startGateway(config: Config, logger: Logger): Promise<Gateway> {
  let emulator: Emulator | undefined;
  let graphBaseUrl = config.graphBaseUrl;
  if (!graphBaseUrl) {
    emulator = createEmulator();
    graphBaseUrl = await emulator.listen(0, '127.0.0.1');
  }

  // One keep-alive pool for every Graph call of the process, made once and injected.
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connect: { timeout: 5_000 } });
  const metrics = new Metrics();
  const graph = new GraphClient({
    baseUrl: graphBaseUrl,
    dispatcher,
    retry: { maxRetries: config.graphMaxRetries, baseDelayMs: 200, maxDelayMs: 30_000 },
    attemptTimeoutMs: config.graphAttemptTimeoutMs,
    metrics,
  });
  const tracing = config.otlpEndpoint ? await startTracing(config.otlpEndpoint, 'upload-session-gateway') : undefined;
  const schema = buildGatewaySchema();
  const logInternal = internalErrorLogger(config.production);
  const knownOperations = new KnownOperations({
    schema,
    formatError,
    record: operationRecorder(metrics),
    onErrors: (errors, context) => logInternal(errors, context.call.log),
  });
  const apollo = createApollo({ schema, config, metrics, logger, knownOperations });
  await apollo.start();
  const authorization = graphAuthorization(config.graphAuth);
  const http = createGatewayServer({ config, apollo, knownOperations, graph, authorization, metrics, logger, tracing });
  const url = await http.listen();

  return {
    url,
    graphBaseUrl,
    emulator,
    metrics,
    async stop() {
      await http.drain();
      await apollo.stop();
      await dispatcher.close();
      await emulator?.close();
      if (tracing) await tracing.shutdown();
    },
  };
}
