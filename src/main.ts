import 'reflect-metadata';
import cluster from 'node:cluster';
import { runPrimary } from './cluster-primary';
import { ConfigError, loadConfig, readEnvironment, type Config, type GraphQLIde } from './config';
import { startGateway } from './gateway';
import { createLogger, flushLogs } from './logger';
import type { Logger } from 'pino';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  // Pretty lines only for a person at a terminal in development; pipes and production get JSON.
  const { logLevel, logRedact } = config.observability;
  const logger = createLogger({ level: logLevel, redact: logRedact, pretty: !config.graphql.production && process.stdout.isTTY });
  if (config.server.workers > 1 && cluster.isPrimary) return runPrimary(config.server.workers, logger);
  const gateway = await startGateway(config, logger);

  if (config.graph.auth === 'emulator') {
    // The embedded emulator's port changes on every start: its control API (play the reviewers, faults) is told here.
    const emulatorControlApi = gateway.emulator ? new URL('/_emulator', gateway.graphBaseUrl).href : undefined;
    logger.warn(
      { graphBaseUrl: gateway.graphBaseUrl.href, emulatorControlApi },
      emulatorControlApi
        ? `EMULATOR MODE: Microsoft Graph is not being called; answers come from the embedded Graph emulator, its control API at ${emulatorControlApi}`
        : 'EMULATOR MODE: Microsoft Graph is not being called; no real credentials are sent',
    );
  }
  const { graphBaseUrl, metricsUrl } = gateway;
  logger.info({ url: gateway.url.href, metricsUrl: metricsUrl?.href, graphAuth: config.graph.auth, graphBaseUrl: graphBaseUrl.href }, `gateway listening on ${gateway.url.href}`);
  logConsole(config.graphql.ide, gateway.url, logger);
  logger.flush(); // lines are batched; this one tells people and supervisors the gateway is up

  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // npm and a terminal's Ctrl-C both deliver one signal twice (to the group, and forwarded): only a later one counts.
      if (Date.now() - stoppingSince < 1000) return;
      logger.warn({ signal }, 'second signal: exiting at once');
      void flushLogs(logger).then(() => process.exit(1));
      return;
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'draining');
    gateway.stop().then(
      () => {
        logger.info('stopped');
        return flushLogs(logger).then(() => process.exit(0));
      },
      (error: unknown) => {
        logger.error({ err: String(error) }, 'failed to stop cleanly');
        return flushLogs(logger).then(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/** Where a person at the terminal finds the console, and what to do when Apollo's CDN is out of reach. */
function logConsole(ide: GraphQLIde, url: URL, logger: Logger): void {
  if (ide === 'sandbox') {
    logger.info({ console: ide }, `console: Apollo Sandbox at ${url.href} in a browser (from Apollo's CDN; offline, the page opens the bundled GraphiQL, ${url.href}?console=graphiql; GRAPHQL_IDE=graphiql makes it the default)`);
  } else if (ide === 'graphiql') {
    logger.info({ console: ide }, `console: GraphiQL at ${url.href} in a browser`);
  }
}
