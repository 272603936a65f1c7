import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SANDBOX_DOCUMENT as DOCUMENT } from '../../src/graphql/sandbox-document';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/graphiql-landing-page.png';

/** The real gateway with GRAPHQL_IDE=graphiql, in front of a real emulator. */
let t: TestGateway;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  t = await startTestGateway({ GRAPHQL_IDE: 'graphiql', GRAPH_AUTH: 'emulator' });
  url = t.url.href;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
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
          files: [{ name: 'building-a-access.csv', size: 2_000_000, uploadedDateTime: expect.any(String) }],
        },
      },
    });
    expect(t.emulator.requests.filter((r) => r.method === 'PATCH').map((r) => r.path.split('/').pop())).toEqual([SEED.uploadSessionId]);
    await page.screenshot({ path: SCREENSHOT });
  } finally {
    await page.close();
  }
  expect(blocked).toEqual([]);
  // The page itself, then introspection for the editors and the operation: all POSTs to the same endpoint.
  expect(requested[0]).toBe(`GET ${url}`);
  expect(new Set(requested.slice(1))).toEqual(new Set([`POST ${url}`]));
});
