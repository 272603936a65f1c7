import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { GraphClient } from '../../src/graph/graph-client';
import type { SessionKey } from '../../src/graph/session-key';
import { UploadSessionStatus, type UploadSession } from '../../src/graph/upload-session';
import type { GatewayContext } from '../../src/graphql/context';
import { graphiqlLandingPage, readGraphiqlAssets } from '../../src/graphql/graphiql-landing-page';
import { buildGatewaySchema } from '../../src/graphql/schema';
import { SEED } from '../support/gateway';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/graphiql-landing-page.png';

const DOCUMENT = `mutation CompleteUploadSession($input: CompleteUploadSessionInput!) {
  completeUploadSession(input: $input) {
    id
    status
    isUploadDone
    stats { filesUploaded totalBytesUploaded }
    files { name size uploadedDateTime }
  }
}
`;

/** The Graph client's one call this operation makes, answered in place: the test is about the page, not Graph. */
const completed: SessionKey[] = [];
const graph = {
  async completeSession(key: SessionKey): Promise<UploadSession> {
    completed.push(key);
    return {
      id: key.uploadSessionId,
      catalogId: key.catalogId,
      resourceId: key.resourceId,
      status: UploadSessionStatus.COMPLETE,
      isUploadDone: true,
      referenceId: null,
      stats: { filesUploaded: 1, totalBytesUploaded: 2_000_000 },
      files: [{ id: null, name: 'building-a-access.csv', size: 2_000_000, uploadedDateTime: null }],
      createdDateTime: null,
      expirationDateTime: null,
      reviewContext: null,
    };
  },
} as unknown as GraphClient;

let apollo: ApolloServer<GatewayContext>;
let server: Server;
let url: string;
let browser: Browser;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Apollo on node:http with no framework, as the gateway runs it: GET for the landing page, POST for operations. */
async function startServer(): Promise<void> {
  apollo = new ApolloServer<GatewayContext>({
    schema: buildGatewaySchema(),
    plugins: [graphiqlLandingPage({ document: DOCUMENT, variables: { input: SEED }, assets: readGraphiqlAssets() })],
  });
  await apollo.start();
  server = createServer(async (req, res) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const raw = await readBody(req);
    const target = new URL(req.url ?? '/', 'http://127.0.0.1');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: target.search, body: raw ? JSON.parse(raw) : undefined },
      context: async () => ({ graph, requestId: 'graphiql-test', sessionReads: new Map(), caller: undefined }) as unknown as GatewayContext,
    });
    res.writeHead(response.status ?? 200, Object.fromEntries(response.headers));
    if (response.body.kind === 'complete') return res.end(response.body.string);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  await startServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  await apollo?.stop();
});

/** Anything but this machine is refused, as on an air-gapped network, and remembered. */
async function offlinePage(): Promise<{ page: Page; blocked: string[]; requested: string[] }> {
  const page = await browser.newPage();
  const blocked: string[] = [];
  const requested: string[] = [];
  page.on('request', (request) => requested.push(`${request.method()} ${request.url()}`));
  page.on('websocket', (socket) => blocked.push(socket.url()));
  await page.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url());
    if (protocol === 'data:' || hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
    blocked.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  return { page, blocked, requested };
}

/** The text of a CodeMirror editor under `selector` (CodeMirror 5 hangs its instance on its element). */
function editorText(page: Page, selector: string): Promise<string> {
  return page.locator(`${selector} .CodeMirror`).first().evaluate((element) => (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

it('serves GraphiQL with the prefilled operation, runs it against /graphql, and asks nothing of the network', async () => {
  const { page, blocked, requested } = await offlinePage();
  try {
    const landing = await page.goto(url);
    expect(landing?.headers()['content-type']).toMatch(/^text\/html/);

    const run = page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' });
    await run.waitFor();
    expect(await editorText(page, '.graphiql-query-editor')).toBe(DOCUMENT);
    expect(JSON.parse(await editorText(page, '.graphiql-editor-tool'))).toEqual({ input: SEED });

    await run.click();
    await page.waitForFunction(
      () => (document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } } | null)
        ?.CodeMirror.getValue().includes('completeUploadSession'),
    );
    expect(JSON.parse(await editorText(page, '.graphiql-response'))).toEqual({
      data: {
        completeUploadSession: {
          id: SEED.uploadSessionId,
          status: 'COMPLETE',
          isUploadDone: true,
          stats: { filesUploaded: 1, totalBytesUploaded: 2_000_000 },
          files: [{ name: 'building-a-access.csv', size: 2_000_000, uploadedDateTime: null }],
        },
      },
    });
    expect(completed).toEqual([SEED]);
    await page.screenshot({ path: SCREENSHOT });
  } finally {
    await page.close();
  }
  expect(blocked).toEqual([]);
  // The page itself, then introspection for the editors and the operation: all POSTs to the same endpoint.
  expect(requested[0]).toBe(`GET ${url}`);
  expect(new Set(requested.slice(1))).toEqual(new Set([`POST ${url}`]));
});
