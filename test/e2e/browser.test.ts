import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { chromium, type BrowserContext } from 'playwright-core';
import { CompleteUploadSessionDocument } from '../../src/client/generated';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';

const CHROMIUM = '/usr/bin/chromium';

/** A frontend's page: it completes the seed session with the generated document, by `fetch`, cross-origin. */
function page(gatewayUrl: URL): string {
  const request = { query: print(CompleteUploadSessionDocument), variables: { input: SEED } };
  return `<!doctype html><meta charset="utf-8"><title>uploads</title><script>
    window.complete = () => fetch(${JSON.stringify(gatewayUrl.href)}, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ${JSON.stringify(JSON.stringify(request))},
    }).then((response) => response.json()).then((body) => ({ body }), (error) => ({ error: String(error) }));
  </script>`;
}

async function servePage(html: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html()));
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
  allowed = await servePage(() => page(t.url));
  other = await servePage(() => page(t.url));
  t = await startTestGateway({ CORS_ORIGINS: allowed.origin });
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
