import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { SEED } from '../support/gateway';
import { spawnProcess, type Spawned } from '../support/spawn';

jest.setTimeout(180_000);

const CHROMIUM = '/usr/bin/chromium';
// `npm start` without its `prestart` build: jest's global setup has built dist/ already.
const NPM_START = ['start', '--silent', '--ignore-scripts'];

let gateway: Spawned;
let vite: Spawned;
let browser: Browser;
let viteCache: string;
let gatewayUrl: string;
let appUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  // No configuration but a free port: CORS_ORIGINS, GRAPH_AUTH and NODE_ENV are unset.
  gateway = spawnProcess('npm', NPM_START, { PORT: '0' });
  [, gatewayUrl] = (await gateway.waitFor(/gateway listening on (http:\/\/\S+)"/)) as [string, string];
  viteCache = mkdtempSync(join(tmpdir(), 'vite-cache-'));
  // Vite's dev server as `npm create vite` sets it up: port 5173 on localhost (the next free one if taken).
  vite = spawnProcess(process.execPath, ['node_modules/vite/bin/vite.js', 'test/e2e/vite-app'], {
    VITE_GATEWAY_URL: gatewayUrl,
    VITE_CACHE_DIR: viteCache,
    NO_COLOR: '1',
  });
  [, appUrl] = (await vite.waitFor(/Local:\s+(http:\/\/localhost:\d+\/)/)) as [string, string];
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  for (const child of [vite, gateway]) child?.signalGroup('SIGKILL');
  await Promise.all([vite?.closed, gateway?.closed]);
  if (viteCache) rmSync(viteCache, { recursive: true, force: true });
});

it("a page on Vite's dev server calls the gateway of `npm start` cross-origin, with no configuration", async () => {
  expect(appUrl).toMatch(/^http:\/\/localhost:517\d\/$/);
  const page = await browser.newPage();
  const offMachine: string[] = [];
  await page.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (['localhost', '127.0.0.1', '[::1]'].includes(hostname)) return route.continue();
    offMachine.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  try {
    await page.goto(appUrl);
    const result = page.locator('#result');
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'loading…', undefined, { timeout: 120_000 });
    const text = await result.textContent();
    expect(text).not.toMatch(/^failed/);
    const data = JSON.parse(text!) as { uploadSessions: { edges: { node: { id: string; status: string } }[] } };
    expect(data.uploadSessions.edges.map((edge) => edge.node.id)).toContain(SEED.uploadSessionId);
  } finally {
    await page.close();
  }
  expect(offMachine).toEqual([]);
  // Apollo Client's JSON POST needed a preflight: the gateway let the dev server's origin through.
  expect(gateway.output.join('\n')).not.toMatch(/CORS preflight refused/);
});
