import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SANDBOX_DOCUMENT as DOCUMENT } from '../../src/graphql/console/sandbox-document';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/graphiql-landing-page.png';

/** The real gateway with no configuration (Apollo Sandbox is its console), in front of a real emulator. */
let t: TestGateway;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  t = await startTestGateway();
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

it("falls back from Apollo Sandbox to the bundled GraphiQL when Apollo's CDN is out of reach, and runs the prefilled read", async () => {
  const { page, blocked, requested } = await offlinePage();
  const encodings: (string | undefined)[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'document') encodings.push(response.headers()['content-encoding']);
  });
  try {
    await page.goto(url);
    const run = page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' });
    await run.waitFor();
    expect(page.url()).toBe(`${url}?console=graphiql`);
    expect(await editorText(page, '.graphiql-query-editor')).toBe(DOCUMENT);
    expect(JSON.parse(await editorText(page, '.graphiql-editor-tool'))).toEqual(SEED);

    await run.click();
    await page.waitForFunction(
      () => (document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } } | null)
        ?.CodeMirror.getValue().includes('uploadSession'),
    );
    expect(JSON.parse(await editorText(page, '.graphiql-response'))).toEqual({
      data: {
        uploadSession: expect.objectContaining({
          id: SEED.uploadSessionId,
          status: 'ACTIVE',
          isUploadDone: false,
          stats: { filesUploaded: 1, totalBytesUploaded: 2_000_000 },
          files: [{ name: 'building-a-access.csv', size: 2_000_000, uploadedDateTime: expect.any(String) }],
        }),
      },
    });
    // The first click reads: the seeded session is still there to complete.
    expect(t.emulator.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    await page.screenshot({ path: SCREENSHOT });
  } finally {
    await page.close();
  }
  // Only Sandbox's script was asked of the network; both pages came compressed.
  expect(blocked).toEqual([expect.stringMatching(/^https:\/\/embeddable-sandbox\.cdn\.apollographql\.com\//)]);
  expect(encodings).toEqual([expect.stringMatching(/^(br|gzip)$/), expect.stringMatching(/^(br|gzip)$/)]);
  expect(requested[0]).toBe(`GET ${url}`);
  expect(requested).toContain(`GET ${url}?console=graphiql`);
  expect(new Set(requested.filter((r) => !r.startsWith('GET ')))).toEqual(new Set([`POST ${url}`]));
});
