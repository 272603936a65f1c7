import { SEED_USERS } from '../../src/emulator/catalog-roles/directory';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { FakeAuthority, TENANT_ID } from '../support/fake-authority';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';
import { subscribeToEvents, type Subscriber } from '../support/subscriber';
import { AUDIENCE, callerToken, control } from '../support/tenants';

/** CATALOG_AUTHORIZATION=graph on the WebSocket path: a subscriber needs Catalog owner or reader on the catalog. */
let authority: FakeAuthority;
let t: TestGateway;
const subscribers: Subscriber[] = [];
beforeAll(async () => {
  authority = await FakeAuthority.start();
  t = await startTestGateway({
    AUTH_ISSUER: `${authority.origin}/{tenantid}/v2.0`,
    AUTH_TENANTS: TENANT_ID,
    AUTH_AUDIENCE: AUDIENCE,
    CATALOG_AUTHORIZATION: 'graph',
    WATCH: `${SEED.catalogId}/${SEED.resourceId}`,
    WATCH_INTERVAL_S: '1',
  });
});
afterAll(async () => {
  await Promise.all(subscribers.map((subscriber) => subscriber.dispose()));
  await t.stop();
  await authority.close();
});

async function subscribeAs(oid: string): Promise<Subscriber> {
  const subscriber = subscribeToEvents(t.url, SEED, { token: await callerToken(authority, { tid: TENANT_ID, oid }) });
  subscribers.push(subscriber);
  await subscriber.connected;
  return subscriber;
}

it('a stranger to the catalog is refused FORBIDDEN, naming the catalog, as the protocol’s error', async () => {
  const stranger = await subscribeAs(SEED_USERS.stranger);
  await stranger.until('the refusal', (s) => s.errors.length > 0);
  expect(stranger.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  expect(stranger.errors[0]!.message).toContain(SEED.catalogId);
});

it('a Catalog reader receives the events of a review that starts', async () => {
  const reader = await subscribeAs(SEED_USERS.reader);
  const stranger = await subscribeAs(SEED_USERS.stranger);
  const started = await control(t, TENANT_ID, 'POST', `/_emulator/reviews/${REVIEW_SEED.definitionId}/instances`, {});
  await reader.until('NEEDS_UPLOAD of the new instance', (s) => s.events.some((event) => event.type === 'NEEDS_UPLOAD' && event.review.id === started.id));
  expect(reader.errors).toEqual([]);
  await stranger.until('the refusal', (s) => s.errors.length > 0);
  expect(stranger.events).toEqual([]);
});
