import 'reflect-metadata';
import { loadConfig, type LogLevel } from '../../../src/config';
import { EMULATOR_SEED_SESSION } from '../../../src/config/emulator';
import { startGateway, type Gateway } from '../../../src/gateway';
import { createLogger } from '../../../src/logger';
import { bundleApp } from './bundle-app';
import { startExampleServer } from './example-server';

export interface ExampleOptions {
  /** The app's port; 0 picks a free one. */
  port: number;
  /** Loopback by default: the embedded emulator is a development tool. */
  host?: string;
  /** The gateway's log level; `warn` by default. */
  logLevel?: LogLevel;
  /** The project's root, where examples/ lives; the working directory by default (npm runs scripts there). */
  root?: string;
  /** Human-readable gateway log lines. */
  prettyLogs?: boolean;
  /** How often the gateway reads the seeded resource's reviews for the page's live events (WATCH_INTERVAL_S); 2 by default. */
  watchIntervalS?: number;
}

export interface Example {
  /** The app's page; /graphql on the same origin is the gateway. */
  url: URL;
  /** The gateway behind /graphql, on its embedded emulator. */
  gateway: Gateway;
  stop(): Promise<void>;
}

/** The gateway on its embedded Graph emulator, and the app served next to it with /graphql passed through. */
export async function startExample(options: ExampleOptions): Promise<Example> {
  // Bundled first: a broken app stops start-up before anything listens.
  const app = await bundleApp(options.root ?? process.cwd());
  // The environment is deliberately not read: no GRAPH_AUTH or GRAPH_BASE_URL in a shell or a .env can
  // make the example call Microsoft Graph. It always runs on the embedded emulator.
  // The seeded resource is watched, so the page's subscription (accessReviewEvents) has events to show.
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'warn',
    WATCH: `${EMULATOR_SEED_SESSION.catalogId}/${EMULATOR_SEED_SESSION.resourceId}`,
    WATCH_INTERVAL_S: String(options.watchIntervalS ?? 2),
  });
  const gateway = await startGateway(config, createLogger({ level: config.observability.logLevel, pretty: options.prettyLogs }));
  try {
    const server = await startExampleServer(app, gateway.url, options.port, options.host ?? '127.0.0.1');
    return {
      url: server.url,
      gateway,
      async stop() {
        await server.close();
        await gateway.stop();
      },
    };
  } catch (error) {
    await gateway.stop();
    throw error;
  }
}
