import 'reflect-metadata';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { loadConfig } from '../../src/config';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import type { FaultSpec } from '../../src/emulator/server/faults';
import type { GraphVersion } from '../../src/graph/graph-paths';
import { startGateway, type Gateway, type GatewayOverrides } from '../../src/gateway';
import { createLogger } from '../../src/logger';

export const SEED = {
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
};

export interface TestGateway {
  gateway: Gateway;
  emulator: Emulator;
  /** The emulator's Graph root the gateway calls (…/beta or …/v1.0); its control API is at /_emulator/ on the same origin. */
  emulatorUrl: URL;
  url: URL;
  /** Every log line the gateway wrote, raw. */
  logs: string[];
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  /** The Graph version the gateway is pointed at (the emulator serves both): picks the path shape of every call. */
  version?: GraphVersion;
}

/** A real emulator and a real gateway on port 0, the gateway pointed at the emulator over HTTP. */
export async function startTestGateway(
  env: Record<string, string> = {},
  overrides: GatewayOverrides = {},
  { version = 'beta' }: TestGatewayOptions = {},
): Promise<TestGateway> {
  const emulator = createEmulator();
  const graphBaseUrl = new URL(`./${version}`, await emulator.listen(0, '127.0.0.1'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  let gateway: Gateway;
  try {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', GRAPH_BASE_URL: graphBaseUrl.href, LOG_LEVEL: 'debug', ...env });
    gateway = await startGateway(config, createLogger(config.observability.logLevel, sink), overrides);
  } catch (error) {
    await emulator.close(); // a refused start leaves nothing listening
    throw error;
  }
  return {
    gateway,
    emulator,
    emulatorUrl: graphBaseUrl,
    url: gateway.url,
    logs,
    async stop() {
      await gateway.stop();
      await emulator.close();
    },
  };
}

export interface GraphQLAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> & { code?: string } }[];
  };
}

/** POSTs a GraphQL operation as a frontend would. */
export async function postGraphQL(
  url: URL,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: JSON.parse(text) };
}

export const COMPLETE_SEED = `mutation {
  completeUploadSession(input: {catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}"}) {
    id status isUploadDone stats { filesUploaded totalBytesUploaded } files { name size uploadedDateTime }
  }
}`;

/** Scripts a fault through the emulator's control API, over HTTP, as a developer would. */
export async function scriptFault(gateway: TestGateway, spec: FaultSpec): Promise<void> {
  await postToControlApi(gateway, '/_emulator/faults', spec);
}

/** Registers a catalog's resource with the emulator through its control API (it answers 404 for unknown ones); returns it. */
export async function registerResource(gateway: TestGateway, resource: { catalogId: string; resourceId: string }): Promise<{ catalogId: string; resourceId: string }> {
  await postToControlApi(gateway, '/_emulator/resources', resource);
  return resource;
}

async function postToControlApi(gateway: TestGateway, path: string, json: unknown): Promise<void> {
  const response = await request(new URL(path, gateway.emulatorUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  if (response.statusCode !== 201) throw new Error(`the emulator refused ${path}: ${response.statusCode} ${await response.body.text()}`);
  await response.body.dump();
}
