import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startExample, type Example } from '../../examples/workflow/server/start-example';
import { UploadSessionFileDocument } from '../../src/client/generated';
import { SEED } from '../support/gateway';

// The example app (npm run example) in Chromium: the whole job through the page, on the gateway's embedded emulator.

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/example-app.png';
const BAD_CSV_SCREENSHOT = '/tmp/example-app-bad-csv.png';
// The README's sample file; then the same with a seventh field on line 3, where the header has six.
const GOOD_CSV = readFileSync('examples/access.csv');
const BAD_CSV = Buffer.from(GOOD_CSV.toString('utf8').replace(/Role\n$/, 'Role,extra\n'));
const EXTRA_SESSIONS = 10; // with the seed: 11, one more than the app's page of 10

let example: Example;
let browser: BrowserContext;
let profile: string;
let tab: Page;
/** Every request the page tried to make off the loopback interface: there must be none. */
const offLoopback: string[] = [];
let created: { uploadSessionId: string; reviewInstanceId: string };

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  example = await startExample({ port: 0, logLevel: 'silent' });
  for (let i = 0; i < EXTRA_SESSIONS; i++) store().add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId, referenceId: `review-${i}` });

  profile = mkdtempSync(join(tmpdir(), 'example-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  await browser.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1') return route.continue();
    offLoopback.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  tab = await browser.newPage();
  await tab.goto(example.url.href);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await example?.stop();
});

function store() {
  return example.gateway.emulator!.store;
}

function storedFiles() {
  return store().get({ ...SEED, uploadSessionId: created.uploadSessionId })!.files;
}

/** Waits until the locator's whole text is `text` (or matches it). */
async function until(locator: Locator, text: string | RegExp): Promise<void> {
  const exactly = typeof text === 'string' ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : text;
  await locator.filter({ hasText: exactly }).waitFor({ timeout: 10_000 });
}

const panel = () => tab.getByRole('region', { name: 'Selected session' });
const sessions = () => tab.getByRole('list', { name: 'Sessions' }).getByRole('listitem');

async function upload(name: string, buffer: Buffer): Promise<void> {
  await panel().getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer });
  await panel().getByRole('button', { name: 'Upload' }).click();
}

it('lists the seeded resource\'s sessions a page at a time', async () => {
  await until(tab.locator('.count'), '10 of 11 session(s)');
  expect(await sessions().count()).toBe(10);
  await tab.getByRole('button', { name: 'Load more' }).click();
  await until(tab.locator('.count'), '11 of 11 session(s)');
  expect(await sessions().filter({ hasText: SEED.uploadSessionId }).textContent()).toContain('ACTIVE');
  expect(await tab.getByRole('button', { name: 'Load more' }).count()).toBe(0);
});

it('creates a session for a review with the generated ids', async () => {
  const reviewInstanceId = await tab.getByLabel('Review instance id').inputValue();
  expect(reviewInstanceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  await tab.getByRole('button', { name: 'Create session' }).click();
  await until(tab.getByRole('status'), /^Created session /);

  const uploadSessionId = /Created session ([0-9a-f-]{36})/.exec((await tab.getByRole('status').textContent())!)![1]!;
  created = { uploadSessionId, reviewInstanceId };
  expect(store().get({ ...SEED, uploadSessionId })).toMatchObject({ referenceId: reviewInstanceId, status: 'active' });
  await until(panel().getByTestId('session-status'), 'ACTIVE');
  await until(panel().getByTestId('files-uploaded'), '0');
  // The list is read again: the new session is in it.
  await until(tab.locator('.count'), '10 of 12 session(s)');
  await sessions().filter({ hasText: uploadSessionId }).waitFor();
});

it('uploads a CSV file chosen in the page', async () => {
  await upload('access.csv', GOOD_CSV);
  await until(panel().getByTestId('files-uploaded'), '1');
  await until(panel().getByTestId('bytes-uploaded'), `${GOOD_CSV.length} bytes`);
  await panel().getByRole('cell', { name: 'access.csv' }).waitFor();
  expect(storedFiles()).toMatchObject([{ name: 'access.csv', size: GOOD_CSV.length }]);
});

it('shows a bad CSV\'s BAD_USER_INPUT with its line, and nothing of it lands', async () => {
  await upload('broken.csv', BAD_CSV);
  const alert = tab.getByRole('alert');
  await until(alert, /BAD_USER_INPUT/);
  expect(await alert.textContent()).toMatch(/^BAD_USER_INPUT line 3, column 7: The CSV file is invalid at line 3/);
  expect(storedFiles()).toHaveLength(1);
  expect(await panel().getByTestId('files-uploaded').textContent()).toBe('1');
  await tab.screenshot({ path: BAD_CSV_SCREENSHOT });
});

it('completes the session and shows COMPLETE', async () => {
  await panel().getByRole('button', { name: 'Complete' }).click();
  await until(panel().getByTestId('session-status'), 'COMPLETE');
  await until(tab.getByRole('status'), 'Completed: the session is COMPLETE.');
  expect(await tab.getByRole('alert').count()).toBe(0);
  await until(sessions().filter({ hasText: created.uploadSessionId }), /COMPLETE/);
  expect(store().get({ ...SEED, uploadSessionId: created.uploadSessionId })).toMatchObject({ status: 'complete', isUploadDone: true });
  // What a completed session forbids is disabled, and the page says why.
  for (const name of ['Upload', 'Complete', 'Delete']) expect(await panel().getByRole('button', { name, exact: true }).isDisabled()).toBe(true);
  await until(panel().getByTestId('state-rule'), /cannot be deleted/);
  await tab.screenshot({ path: SCREENSHOT, fullPage: true });
});

it('shows a CONFLICT naming the completed session when its review instance is asked for another, with the ids kept', async () => {
  expect(await tab.getByLabel('Review instance id').inputValue()).toBe(created.reviewInstanceId);
  await tab.getByRole('button', { name: 'Create session' }).click();
  await until(tab.getByRole('alert'), new RegExp(`^CONFLICT: The upload session ${created.uploadSessionId} of this review instance and resource is already completed`));
});

// The generated document has `__typename` beside uploadSessionFile at its root: the gateway accepts it.
it('uploads with the generated UploadSessionFileDocument exactly as printed', async () => {
  const { key } = store().add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId });
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: print(UploadSessionFileDocument), variables: { input: { ...key, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([GOOD_CSV], { type: 'text/csv' }), 'access.csv');
  const response = await fetch(new URL('/graphql', example.url), { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
  const body = (await response.json()) as { data?: { uploadSessionFile: { stats: { filesUploaded: number } } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data?.uploadSessionFile.stats.filesUploaded).toBe(1);
});

it('loaded everything from the example server: no request left the loopback interface', () => {
  expect(offLoopback).toEqual([]);
});
