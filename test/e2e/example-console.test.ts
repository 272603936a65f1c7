import { readFileSync } from 'node:fs';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { openExample, until, type ExampleInBrowser } from '../support/example-browser';

// The owner's console (npm run example) in Chromium, in the time zone of Kolkata (UTC+5:30, no summer time):
// what arrives live, a slow step saying why, a failed step keeping the owner's file, and the upload window closing.

jest.setTimeout(120_000);

const ZONE = 'Asia/Kolkata';
const GOOD_CSV = readFileSync('examples/access.csv');
/** A header without the documented columns: the gateway's error lists every one of them. */
const WRONG_HEADER_CSV = Buffer.from('who,what\nsomeone,something\n');
const SCREENSHOT = '/tmp/example-console-closed-window.png';

let app: ExampleInBrowser;
/** The review instance the control API starts, as a new review's would. */
let fresh: { id: string; startDateTime: string };

beforeAll(async () => {
  app = await openExample({ timezoneId: ZONE });
}, 60_000);

afterAll(async () => {
  await app?.close();
});

const reviewRow = (instanceId: string) => app.tab.getByRole('list', { name: 'Access reviews' }).getByRole('listitem').filter({ hasText: instanceId });
const panel = () => app.tab.getByRole('region', { name: 'Selected session' });
const chosenFile = () => panel().getByLabel('CSV file').evaluate((input: HTMLInputElement) => input.files?.[0]?.name);

/** The clock time of `epochMs` in Kolkata, as the page must show it next to the countdown. */
function kolkataTime(epochMs: number): string {
  return new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ZONE }).format(epochMs);
}

async function upload(name: string, buffer: Buffer): Promise<void> {
  await panel().getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer });
  await panel().getByRole('button', { name: 'Upload' }).click();
}

it('shows a new review live: a banner, and the list counting down to its deadline on the owner\'s clock', async () => {
  await until(app.tab.getByTestId('live-status'), '● live');
  fresh = (await app.control(`/reviews/${REVIEW_SEED.definitionId}/instances`)) as typeof fresh;

  const banner = app.tab.getByRole('complementary', { name: 'New review events' }).locator(`[data-review-id="${fresh.id}"][data-event-type="NEEDS_UPLOAD"]`);
  await until(banner, /needs your data: create its session and upload the resource's CSV by .* GMT\+5:30/);
  const deadline = Date.parse(fresh.startDateTime) + 2 * 60 * 60 * 1000;
  await until(reviewRow(fresh.id).getByTestId('time-left'), /^(2 h 00|1 h 59) left$/);
  await until(reviewRow(fresh.id).getByTestId('deadline'), new RegExp(`^due .*${kolkataTime(deadline)} GMT\\+5:30$`));
  await until(app.tab.locator('.review-list .count'), /^5 review\(s\), 2 waiting for your data/);
});

it('says that a slow step is still waiting, and why: Graph throttles and the gateway retries', async () => {
  await app.control('/faults', { method: 'POST', path: '/uploadSessions', status: 429, retryAfter: '4', times: 1 });
  await reviewRow(fresh.id).getByRole('button', { name: 'Create session' }).click();
  await until(app.tab.getByTestId('waiting'), /^Still waiting \(\d+ s\)\. Microsoft Graph may be throttling: .*tries again within the request's deadline/);
  await until(app.tab.getByRole('status'), /^Created session [0-9a-f-]{36} for review instance /);
  expect(await app.tab.getByTestId('waiting').count()).toBe(0);
  await until(app.tab.getByTestId('next-step'), /^Next: choose the resource's CSV file and Upload it before .* GMT\+5:30; then Complete\.$/);
});

it('offers no Complete while the session has no file, and says why', async () => {
  await until(panel().getByTestId('files-uploaded'), '0');
  expect(await panel().getByRole('button', { name: 'Complete', exact: true }).isDisabled()).toBe(true);
  await until(panel().getByTestId('complete-hint'), /a session completed empty gives its review no data/);
});

it('keeps the chosen file after a failed upload: Retry sends it again in one click', async () => {
  await app.control('/faults', { method: 'POST', path: '/uploadFile', status: 500, times: 1 });
  await upload('access.csv', GOOD_CSV);
  const alert = app.tab.getByRole('alert');
  await until(alert, /UPSTREAM_ERROR/);
  expect(await chosenFile()).toBe('access.csv');
  await alert.getByRole('button', { name: 'Retry' }).click();
  await until(panel().getByTestId('files-uploaded'), '1');
  expect(await app.tab.getByRole('alert').count()).toBe(0);
  expect(await panel().getByRole('button', { name: 'Complete', exact: true }).isDisabled()).toBe(false);
});

it('wraps a long error inside a 1280 px window, and keeps the refused file chosen', async () => {
  await upload('wrong-header.csv', WRONG_HEADER_CSV);
  await until(app.tab.getByRole('alert'), /^BAD_USER_INPUT.*principalId/);
  expect(await chosenFile()).toBe('wrong-header.csv');
  expect(await app.tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
});

it('shows the window closing: urgent below 30 minutes, then a red "missed", no Create session, the deadline on the owner\'s clock', async () => {
  const waiting = reviewRow(REVIEW_SEED.instances.initializing);
  await until(waiting.getByTestId('time-left'), /^1 h [0-5]\d left$/);
  expect(await waiting.getByTestId('time-left').getAttribute('class')).toBe('deadline');

  await app.control('/clock', { forwardMinutes: 95 }); // started 20 minutes before the emulator: 5 minutes are left
  await until(waiting.locator('.deadline.urgent'), /^[1-5] min left$/);

  await app.control('/clock', { forwardMinutes: 10 }); // past its two hours: the emulator moves it on, without data
  await until(waiting.getByTestId('window-missed'), 'missed');
  await until(waiting.getByTestId('deadline'), /^upload window closed .*\d{2}:\d{2} GMT\+5:30$/);
  expect(await waiting.getByRole('button', { name: 'Create session' }).count()).toBe(0);
  expect(await waiting.getByTestId('window-missed').evaluate((label) => getComputedStyle(label).backgroundColor)).toBe('rgb(207, 34, 46)');
  await until(app.tab.locator('.review-list .count'), /, 1 missed/);
  await app.tab.screenshot({ path: SCREENSHOT, fullPage: true });
});
