import 'reflect-metadata';
import { loadConfig, type Config, type LogLevel } from '../../../src/config';
import { EMULATOR_CALLER_AUDIENCE, EMULATOR_DEFAULT_TENANT, EMULATOR_SEED_SESSION } from '../../../src/config/emulator';
import { createEmulator } from '../../../src/emulator/server/emulator-server';
import { callerIssuer } from '../../../src/emulator/control/caller-tokens';
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

/**
 * The gateway on the Graph emulator, and the app served next to it with /graphql passed through. Callers sign
 * in with the emulator's test-only caller tokens (the page's "Signed in as"), and the gateway checks their
 * catalog roles in the emulator (CATALOG_AUTHORIZATION=graph): the seeded owner, reader and stranger.
 */
export async function startExample(options: ExampleOptions): Promise<Example> {
  // The example signs anyone in as a catalog owner (test-only caller tokens): it listens on loopback only.
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error(`The example listens on loopback only (it mints test-only tokens), not on ${host}.`);
  // Bundled first: a broken app stops start-up before anything listens.
  const app = await bundleApp(options.root ?? process.cwd());
  // The emulator listens first: the gateway trusts its caller issuer, which lives at the emulator's origin.
  const emulator = createEmulator({ callerTokens: true });
  const graphBaseUrl = await emulator.listen(0, '127.0.0.1');
  let gateway: Gateway;
  try {
    gateway = await startGateway(exampleConfig(options, graphBaseUrl), createLogger({ level: options.logLevel ?? 'warn', pretty: options.prettyLogs }));
  } catch (error) {
    await emulator.close();
    throw error;
  }
  // Seen from outside as the gateway's own emulator: one thing to stop, and `gateway.emulator` to play with.
  const withEmulator: Gateway = {
    ...gateway,
    emulator,
    async stop() {
      await gateway.stop();
      await emulator.close();
    },
  };
  try {
    const server = await startExampleServer(app, { gatewayUrl: gateway.url, emulatorUrl: graphBaseUrl, audience: EMULATOR_CALLER_AUDIENCE }, options.port, host);
    return {
      url: server.url,
      gateway: withEmulator,
      async stop() {
        await server.close();
        await withEmulator.stop();
      },
    };
  } catch (error) {
    await withEmulator.stop();
    throw error;
  }
}

/**
 * The environment is deliberately not read: no GRAPH_AUTH or GRAPH_BASE_URL in a shell or a .env can make the
 * example call Microsoft Graph. It always runs on the emulator it started. The seeded resource is watched, so
 * the page's subscription (accessReviewEvents) has events to show.
 */
function exampleConfig(options: ExampleOptions, graphBaseUrl: URL): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'warn',
    GRAPH_AUTH: 'emulator',
    GRAPH_BASE_URL: graphBaseUrl.href,
    AUTH_ISSUER: callerIssuer(graphBaseUrl.origin, EMULATOR_DEFAULT_TENANT),
    AUTH_AUDIENCE: EMULATOR_CALLER_AUDIENCE,
    CATALOG_AUTHORIZATION: 'graph',
    WATCH: `${EMULATOR_SEED_SESSION.catalogId}/${EMULATOR_SEED_SESSION.resourceId}`,
    WATCH_INTERVAL_S: String(options.watchIntervalS ?? 2),
  });
}
