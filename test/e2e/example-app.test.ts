import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startExample, type Example } from '../../examples/workflow/server/start-example';
import { UploadSessionFileDocument } from '../../src/client/generated';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { SEED } from '../support/gateway';

// The example app (npm run example) in Chromium: the whole job through the page, on the gateway's embedded emulator.

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/example-app.png';
const BAD_CSV_SCREENSHOT = '/tmp/example-app-bad-csv.png';
const REVIEW_SCREENSHOT = '/tmp/example-app-review.png';
// The README's sample file: three people with access to the resource; reviewers deny the first two.
const GOOD_CSV = readFileSync('examples/access.csv');
const SAMPLE_LINES = GOOD_CSV.toString('utf8').split('\n');
const PEOPLE = SAMPLE_LINES.slice(1, 4).map((line) => line.split(',')[0]!) as [string, string, string];
// How the emulator's seeded directory names them, as Graph names a principal from the tenant's directory.
const NAMES = ['Isaiah Langer', 'Johanna Lorenz', 'Pradeep Gupta'] as const;
// Line 3 has seven fields where the header has six.
const BAD_CSV = Buffer.from(SAMPLE_LINES.map((line, index) => (index === 2 ? `${line},extra` : line)).join('\n'));
const EXTRA_SESSIONS = 10; // with the seed: 11, one more than the app's page of 10
/** The seeded review waiting for the resource's data: started 20 minutes before the emulator, no session. */
const WAITING = { reviewDefinitionId: REVIEW_SEED.definitionId, reviewInstanceId: REVIEW_SEED.instances.initializing };

let example: Example;
let browser: BrowserContext;
let profile: string;
let tab: Page;
/** Every request the page tried to make off the loopback interface: there must be none. */
const offLoopback: string[] = [];
let created: { uploadSessionId: string };

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

/** The emulator's control API plays the service and the reviewers, as a test or a demo would. */
async function control(path: string, body?: unknown): Promise<void> {
  const response = await fetch(new URL(`/_emulator/reviews/instances/${WAITING.reviewInstanceId}${path}`, example.gateway.graphBaseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw new Error(`${path}: the emulator answered ${response.status} ${await response.text()}`);
}

const panel = () => tab.getByRole('region', { name: 'Selected session' });
const reviewPage = () => tab.getByRole('region', { name: 'Review' });
const waitingReview = () => tab.getByRole('list', { name: 'Access reviews' }).getByRole('listitem').filter({ hasText: WAITING.reviewInstanceId });
const deniedRow = (person: string) => reviewPage().getByRole('row').filter({ hasText: person });
const dialog = () => tab.getByRole('dialog');
const sessions = () => tab.getByRole('list', { name: 'Sessions' }).getByRole('listitem');

async function upload(name: string, buffer: Buffer): Promise<void> {
  await panel().getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer });
  await panel().getByRole('button', { name: 'Upload' }).click();
}

it('lists the seeded resource\'s sessions a page at a time', async () => {
  await until(tab.locator('.session-list .count'), '10 of 11 session(s)');
  expect(await sessions().count()).toBe(10);
  await tab.getByRole('button', { name: 'Load more' }).click();
  await until(tab.locator('.session-list .count'), '11 of 11 session(s)');
  expect(await sessions().filter({ hasText: SEED.uploadSessionId }).textContent()).toContain('ACTIVE');
  expect(await tab.getByRole('button', { name: 'Load more' }).count()).toBe(0);
});

it('lists the reviews waiting for the resource\'s data with the time left in their window', async () => {
  await until(tab.locator('.review-list .count'), /^4 review\(s\), 1 waiting for your data/);
  await until(waitingReview().getByTestId('time-left'), /^1 h [0-5]\d left$/);
  expect(await waitingReview().textContent()).toContain('INITIALIZING');
});

it('creates the session for a review from the list, with the review\'s own ids', async () => {
  await waitingReview().getByRole('button', { name: 'Create session' }).click();
  await until(tab.getByRole('status'), /^Created session /);

  const uploadSessionId = /Created session ([0-9a-f-]{36})/.exec((await tab.getByRole('status').textContent())!)![1]!;
  created = { uploadSessionId };
  expect(store().get({ ...SEED, uploadSessionId })).toMatchObject({ referenceId: WAITING.reviewInstanceId, status: 'active', data: WAITING });
  await until(panel().getByTestId('session-status'), 'ACTIVE');
  await until(panel().getByTestId('files-uploaded'), '0');
  // Both lists are read again: the review has its session, and the session is listed.
  await waitingReview().getByRole('button', { name: 'Session ACTIVE' }).waitFor();
  expect(await waitingReview().getByRole('button', { name: 'Create session' }).count()).toBe(0);
  await until(tab.locator('.session-list .count'), '10 of 12 session(s)');
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
  // The owner's choice stays: the refused file is still chosen. No Retry: the same file would be refused again.
  expect(await panel().getByLabel('CSV file').evaluate((input: HTMLInputElement) => input.files?.[0]?.name)).toBe('broken.csv');
  expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(0);
  await tab.screenshot({ path: BAD_CSV_SCREENSHOT });
});

it('asks before completing, saying what cannot be undone; Cancel changes nothing', async () => {
  await panel().getByRole('button', { name: 'Complete' }).click();
  await until(dialog().getByRole('heading'), 'Complete this session?');
  expect(await dialog().textContent()).toMatch(/cannot be undone: the session takes no more files and cannot be deleted, and its review can get no other session/);
  await dialog().getByRole('button', { name: 'Cancel' }).click();
  await dialog().waitFor({ state: 'hidden' });
  expect(await panel().getByTestId('session-status').textContent()).toBe('ACTIVE');
  expect(store().get({ ...SEED, uploadSessionId: created.uploadSessionId })).toMatchObject({ status: 'active' });
});

it('completes the session once confirmed, and says what comes next', async () => {
  await panel().getByRole('button', { name: 'Complete' }).click();
  await dialog().getByRole('button', { name: 'Complete session' }).click();
  await until(panel().getByTestId('session-status'), 'COMPLETE');
  await until(tab.getByRole('status'), 'Completed: the session is COMPLETE.');
  await until(tab.getByTestId('next-step'), /^Next: reviewers decide now, in My Access\..*Open review lists whom they denied/);
  expect(await tab.getByRole('alert').count()).toBe(0);
  await until(sessions().filter({ hasText: created.uploadSessionId }), /COMPLETE/);
  expect(store().get({ ...SEED, uploadSessionId: created.uploadSessionId })).toMatchObject({ status: 'complete', isUploadDone: true });
  // What a completed session forbids is disabled, and the page says why.
  for (const name of ['Upload', 'Complete', 'Delete']) expect(await panel().getByRole('button', { name, exact: true }).isDisabled()).toBe(true);
  await until(panel().getByTestId('state-rule'), /cannot be deleted/);
  await tab.screenshot({ path: SCREENSHOT, fullPage: true });
});

it('no longer lists the review as waiting once its data is complete', async () => {
  await until(tab.locator('.review-list .count'), /^4 review\(s\), 0 waiting for your data/);
  await waitingReview().getByRole('button', { name: 'Session COMPLETE' }).waitFor();
});

it('opens the seeded applying review: only the resource\'s denials, with who and why', async () => {
  const seeded = tab.getByRole('list', { name: 'Access reviews' }).getByRole('listitem').filter({ hasText: REVIEW_SEED.instances.applying });
  await seeded.getByRole('button', { name: 'Open review' }).click();
  await until(reviewPage().getByTestId('review-status'), 'APPLYING');
  // Adele and Diego denied; Alex approved and Lynne not reviewed; the catalog's other resource not shown.
  await until(reviewPage().locator('.count'), '2 of 2 denied, 2 not recorded yet');
  expect(await deniedRow('Adele Vance').textContent()).toContain('Left the project in October (Megan Bowen)');
  expect(await deniedRow('Diego Siciliani').textContent()).toContain('Server room');
});

it('announces the review live once it is applying, and lists whom reviewers denied by name', async () => {
  await control('/advance'); // InProgress: the reviewers' turn
  await control('/review', { decision: 'Deny', principalIds: PEOPLE.slice(0, 2), justification: 'Left the team', reviewer: { id: 'e1000005-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Megan Bowen' } });
  await control('/review', { decision: 'Approve', principalIds: [PEOPLE[2]] });
  await control('/advance'); // Applying: the owner's turn
  // No Refresh: the gateway's watcher tells the page (accessReviewEvents), which updates its list and shows a banner.
  const banner = tab.getByRole('complementary', { name: 'New review events' }).locator(`[data-review-id="${WAITING.reviewInstanceId}"][data-event-type="APPLYING"]`);
  await until(banner, /is APPLYING: reviewers have decided/);
  await until(waitingReview().locator('.status'), 'APPLYING');
  await banner.getByRole('button', { name: 'Open review' }).click();

  await until(reviewPage().getByTestId('review-status'), 'APPLYING');
  await until(reviewPage().locator('.count'), '2 of 2 denied, 2 not recorded yet');
  expect(await deniedRow(NAMES[0]).textContent()).toContain('IsaiahL@contoso.example');
  expect(await deniedRow(NAMES[0]).textContent()).toContain('Left the team (Megan Bowen)');
  // The GUID is on hover, not in the text.
  expect(await deniedRow(NAMES[0]).locator('.person').getAttribute('title')).toBe(PEOPLE[0]);
  expect(await reviewPage().getByRole('table').textContent()).not.toContain(PEOPLE[0]);
  expect(await deniedRow(NAMES[2]).count()).toBe(0);
});

it('records one removal, then the rest at once once confirmed: the page says the review is APPLIED', async () => {
  await deniedRow(NAMES[0]).getByRole('button', { name: 'Mark removed' }).click();
  await until(deniedRow(NAMES[0]).getByTestId('apply-result'), 'APPLIED_SUCCESSFULLY');
  await until(reviewPage().locator('.count'), '2 of 2 denied, 1 not recorded yet');
  expect(await reviewPage().getByTestId('review-status').textContent()).toBe('APPLYING');

  await reviewPage().getByRole('button', { name: 'Mark all removed' }).click();
  expect(await dialog().textContent()).toMatch(/This cannot be undone/);
  await dialog().getByRole('button', { name: 'Mark all removed' }).click();
  await until(tab.getByRole('status'), /the review is APPLIED\.$/);
  await until(reviewPage().getByTestId('review-status'), 'APPLIED');
  await until(deniedRow(NAMES[1]).getByTestId('apply-result'), 'APPLIED_SUCCESSFULLY');
  expect(await reviewPage().getByRole('button', { name: 'Mark all removed' }).isDisabled()).toBe(true);
  const instance = example.gateway.emulator!.reviews.instance(WAITING.reviewInstanceId)!;
  expect(instance.status).toBe('Applied');
  expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280); // no sideways scrolling
  await tab.screenshot({ path: REVIEW_SCREENSHOT, fullPage: true });
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
