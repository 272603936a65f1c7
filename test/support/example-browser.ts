import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startExample, type Example } from '../../examples/workflow/server/start-example';

const CHROMIUM = '/usr/bin/chromium';

export interface ExampleInBrowser {
  example: Example;
  tab: Page;
  /** POSTs (or sends `method`) to the emulator's control API, `path` under /_emulator; answers its JSON. */
  control(path: string, body?: unknown, method?: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * The example app (npm run example: the gateway on its embedded emulator, watching the seeded resource) in
 * Debian's Chromium, in a fresh profile, in the given time zone; requests off the loopback interface are refused.
 */
export async function openExample({ timezoneId, watchIntervalS = 1 }: { timezoneId?: string; watchIntervalS?: number } = {}): Promise<ExampleInBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  const example = await startExample({ port: 0, logLevel: 'silent', watchIntervalS });
  const profile = mkdtempSync(join(tmpdir(), 'example-chromium-'));
  let browser: BrowserContext | undefined;
  try {
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId,
    });
    await browser.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient')));
    const tab = await browser.newPage();
    await tab.goto(example.url.href);
    const opened = browser;
    return {
      example,
      tab,
      control: (path, body, method = 'POST') => control(example, path, body, method),
      async close() {
        await opened.close();
        rmSync(profile, { recursive: true, force: true });
        await example.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    await example.stop();
    throw error;
  }
}

async function control(example: Example, path: string, body: unknown, method: string): Promise<Record<string, unknown>> {
  const response = await fetch(new URL(`/_emulator${path}`, example.gateway.graphBaseUrl), {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: the emulator answered ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
}

/** Waits (bounded, generously: nothing here is timed) until the locator's whole text is `text`, or matches it. */
export async function until(locator: Locator, text: string | RegExp, timeout = 30_000): Promise<void> {
  const exactly = typeof text === 'string' ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : text;
  await locator.filter({ hasText: exactly }).first().waitFor({ timeout });
}
