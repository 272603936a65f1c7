import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { SEED } from '../support/gateway';
import { openExample, until, type ExampleInBrowser } from '../support/example-browser';

// The example app's "Signed in as" in Chromium: the emulator's seeded owner, reader and stranger of the seed
// catalog, each with a caller token the emulator mints (test-only), the gateway checking catalog roles.

jest.setTimeout(120_000);

let app: ExampleInBrowser;

beforeAll(async () => {
  app = await openExample();
}, 60_000);

afterAll(async () => {
  await app?.close();
});

const signedInAs = () => app.tab.getByLabel('Signed in as');
const sessions = () => app.tab.getByRole('list', { name: 'Sessions' });
const reviewRow = (instanceId: string) => app.tab.getByRole('list', { name: 'Access reviews' }).getByRole('listitem').filter({ hasText: instanceId });
const alert = () => app.tab.getByRole('alert');

it('signs in as the owner by default, who sees the seeded sessions and reviews', async () => {
  expect(await signedInAs().inputValue()).toBe('owner');
  await until(sessions().getByRole('listitem'), new RegExp(SEED.uploadSessionId));
  await until(reviewRow(REVIEW_SEED.instances.initializing).getByRole('button'), 'Create session');
  expect(await alert().count()).toBe(0);
});

it('as the reader, sees the sessions and reviews, and a write is refused: only a Catalog owner can', async () => {
  await signedInAs().selectOption('reader');
  await until(sessions().getByRole('listitem'), new RegExp(SEED.uploadSessionId));
  await until(app.tab.locator('.review-list .count'), /review\(s\)/);
  // The WebSocket's connection_init carries the reader's token: a Catalog reader may subscribe.
  await until(app.tab.getByTestId('live-status'), '● live');
  expect(await alert().count()).toBe(0);

  await reviewRow(REVIEW_SEED.instances.initializing).getByRole('button', { name: 'Create session' }).click();
  await until(alert().getByRole('listitem'), /^FORBIDDEN: You are a Catalog reader: only a Catalog owner can create, change or complete sessions and reviews\. \(.*Catalog owner role on catalog/);
  expect(app.example.gateway.emulator!.store.withReference(REVIEW_SEED.instances.initializing)).toEqual([]);
});

it('as the stranger, even reads are refused FORBIDDEN, and nothing of the catalog is shown', async () => {
  await signedInAs().selectOption('stranger');
  await until(alert().getByRole('listitem'), /^FORBIDDEN: You hold no role on this catalog: only its Catalog owners and readers can see its sessions and reviews\./);
  await until(app.tab.getByTestId('live-status'), /^live updates off: FORBIDDEN: /);
  expect(await sessions().getByRole('listitem').count()).toBe(0);
  expect(await app.tab.getByRole('list', { name: 'Access reviews' }).getByRole('listitem').count()).toBe(0);
});

it('back as the owner, works as before', async () => {
  await signedInAs().selectOption('owner');
  await until(sessions().getByRole('listitem'), new RegExp(SEED.uploadSessionId));
  await reviewRow(REVIEW_SEED.instances.initializing).getByRole('button', { name: 'Create session' }).click();
  await until(app.tab.getByRole('status'), /^Created session [0-9a-f-]{36} for review instance /);
  expect(await alert().count()).toBe(0);
});
