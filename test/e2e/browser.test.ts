import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { print } from 'graphql';
import { chromium, type BrowserContext } from 'playwright-core';
import { CompleteUploadSessionDocument } from '../../src/client/generated';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';

const CHROMIUM = '/usr/bin/chromium';

const SECOND = { ...SEED, uploadSessionId: '5b1e6a57-1c52-4b8e-9a3e-2f0c7d3b9e01' };

/** A frontend's plain page: it completes the seed session with the generated document, by `fetch`, cross-origin. */
function fetchPage(gatewayUrl: URL): string {
  const request = { query: print(CompleteUploadSessionDocument), variables: { input: SEED } };
  return `<!doctype html><meta charset="utf-8"><title>uploads</title><script>
    window.complete = () => fetch(${JSON.stringify(gatewayUrl.href)}, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ${JSON.stringify(JSON.stringify(request))},
    }).then((response) => response.json()).then((body) => ({ body }), (error) => ({ error: String(error) }));
  </script>`;
}

/** The README's React example (examples/react), bundled as a frontend's build would, completing SECOND. */
function reactPage(gatewayUrl: URL): string {
  const app = { gatewayUrl: gatewayUrl.href, session: SECOND };
  return `<!doctype html><meta charset="utf-8"><title>uploads</title><div id="root"></div>
    <script>window.app = ${JSON.stringify(app)};</script><script src="/app.js"></script>`;
}

async function bundleReactExample(): Promise<string> {
  const result = await build({
    entryPoints: ['examples/react/main.tsx'],
    tsconfig: 'examples/tsconfig.json',
    bundle: true,
    write: false,
    format: 'iife',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

async function serveFrontend(gatewayUrl: () => URL, appJs: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/app.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(appJs);
    const html = req.url === '/react' ? reactPage(gatewayUrl()) : fetchPage(gatewayUrl());
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let t: TestGateway;
let allowed: { server: Server; origin: string };
let other: { server: Server; origin: string };
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  const appJs = await bundleReactExample();
  allowed = await serveFrontend(() => t.url, appJs);
  other = await serveFrontend(() => t.url, appJs);
  // enforce: the generated documents, sent by fetch or by Apollo Client, are in the manifest and must run.
  t = await startTestGateway({ CORS_ORIGINS: allowed.origin, TRUSTED_DOCUMENTS: 'enforce' });
  t.emulator.store.add({ ...SECOND, files: [{ name: 'building-b-access.csv', size: 5_000_000_000 }] });
  // A fresh profile each run (playwright passes it as --user-data-dir): no cache or state from an earlier run.
  profile = mkdtempSync(join(tmpdir(), 'gateway-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await t?.stop();
  allowed?.server.close();
  other?.server.close();
});

async function completeFrom(origin: string): Promise<{ body?: { data?: { completeUploadSession: unknown } }; error?: string }> {
  const tab = await browser.newPage();
  try {
    await tab.goto(origin);
    return await tab.evaluate('window.complete()');
  } finally {
    await tab.close();
  }
}

it('blocks a page from an origin not in CORS_ORIGINS before the mutation is sent', async () => {
  const outcome = await completeFrom(other.origin);
  expect(outcome.error).toMatch(/Failed to fetch/);
  expect(t.emulator.requests).toEqual([]);
});

it('lets a page from an origin in CORS_ORIGINS complete the session', async () => {
  const outcome = await completeFrom(allowed.origin);
  expect(outcome.error).toBeUndefined();
  expect(outcome.body?.data?.completeUploadSession).toMatchObject({
    id: SEED.uploadSessionId,
    status: 'COMPLETE',
    isUploadDone: true,
    stats: { totalBytesUploaded: 2_000_000 },
    files: [{ name: 'building-a-access.csv', size: 2_000_000 }],
  });
  expect(t.emulator.requests.map((r) => r.method)).toEqual(['PATCH', 'GET']);
});

it('runs the README\'s React example (Apollo Client, generated document) from an allowed origin', async () => {
  t.emulator.requests.splice(0);
  const tab = await browser.newPage();
  try {
    await tab.goto(`${allowed.origin}/react`);
    await tab.getByRole('button', { name: 'Complete upload' }).click();
    const status = tab.getByRole('status');
    await status.waitFor();
    expect(await status.textContent()).toBe('COMPLETE: 1 file(s), 5000000000 bytes');
  } finally {
    await tab.close();
  }
  expect(t.emulator.requests.map((r) => `${r.method} ${r.path.split('/').pop()}`)).toEqual([
    `PATCH ${SECOND.uploadSessionId}`,
    `GET ${SECOND.uploadSessionId}`,
  ]);
});
