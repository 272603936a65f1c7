import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { AccessReviewEventsDocument } from '../../src/client/generated';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { FakeAuthority } from '../support/fake-authority';
import { SEED, scriptFault, startTestGateway, type TestGateway } from '../support/gateway';
import { subscribeToEvents, upgradeStatus, type Subscriber } from '../support/subscriber';

jest.setTimeout(120_000);

const SECRET = `whsec_${Buffer.from('a test secret of thirty-two bytes').toString('base64')}`;
const RESOURCE = { catalogId: SEED.catalogId, resourceId: SEED.resourceId };

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A webhook receiver on 127.0.0.1: it answers 500 to the first delivery of each event `failFirst` picks, else 204. */
async function startReceiver(failFirst: (event: { type: string }) => boolean): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      const first = !received.some((earlier) => earlier.headers['webhook-id'] === id);
      const answered = first && failFirst(JSON.parse(body) as { type: string }) ? 500 : 204;
      received.push({ headers: req.headers, body, answered });
      res.statusCode = answered;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/reviews`, received, server };
}

async function control(t: TestGateway, method: 'POST' | 'PATCH', path: string, json: unknown): Promise<Record<string, unknown>> {
  const response = await request(new URL(path, t.emulatorUrl), { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${path}: ${response.statusCode} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function metric(t: TestGateway, series: string): Promise<number> {
  const text = await t.gateway.metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('watching reviews: a gateway on the emulator with WATCH, a subscriber and a webhook', () => {
  let t: TestGateway;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const subscribers: Subscriber[] = [];
  const subscribe = (options = {}, resource = RESOURCE) => {
    const subscriber = subscribeToEvents(t.url, resource, options);
    subscribers.push(subscriber);
    return subscriber;
  };

  beforeAll(async () => {
    receiver = await startReceiver((event) => event.type === 'APPLYING');
    t = await startTestGateway({ WATCH: `${SEED.catalogId}/${SEED.resourceId}`, WATCH_INTERVAL_S: '1', WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.dispose()));
    await t.stop();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('tells a subscriber NEEDS_UPLOAD when a review instance starts, and the webhook too, signed', async () => {
    const subscriber = subscribe();
    await subscriber.connected;
    const started = await control(t, 'POST', `/_emulator/reviews/${REVIEW_SEED.definitionId}/instances`, {});
    await subscriber.until('NEEDS_UPLOAD of the new instance', ({ events }) => events.some((event) => event.review.id === started.id && event.type === 'NEEDS_UPLOAD'));
    const event = subscriber.events.find((candidate) => candidate.review.id === started.id)!;
    expect(event).toMatchObject({ ...RESOURCE, review: { status: 'INITIALIZING', needsUpload: true, uploadSession: null } });
    expect(event.review.uploadDeadline).not.toBeNull();

    await until('the webhook got the event', () => receiver.received.some((delivery) => delivery.headers['webhook-id'] === event.id));
    const delivery = receiver.received.find((candidate) => candidate.headers['webhook-id'] === event.id)!;
    expect(delivery.headers['content-type']).toBe('application/json');
    const verified = new Webhook(SECRET).verify(delivery.body, delivery.headers as Record<string, string>) as Record<string, unknown>;
    expect(verified).toMatchObject({ id: event.id, type: 'NEEDS_UPLOAD', catalogId: SEED.catalogId, resourceId: SEED.resourceId, review: { id: started.id } });
    expect(Object.keys(verified)).toEqual(['id', 'type', 'occurredAt', 'catalogId', 'resourceId', 'review']);
    // Each (instance, type) once: later polls of the same state add nothing.
    expect(subscriber.events.filter((candidate) => candidate.id === event.id)).toHaveLength(1);
  });

  it('delivers a webhook answered 500 again, with the same webhook-id', async () => {
    const subscriber = subscribe();
    await subscriber.connected;
    const started = await control(t, 'POST', `/_emulator/reviews/${REVIEW_SEED.definitionId}/instances`, {});
    await subscriber.until('NEEDS_UPLOAD', ({ events }) => events.some((event) => event.review.id === started.id));
    await control(t, 'PATCH', `/_emulator/reviews/instances/${started.id}`, { status: 'Applying' });
    await subscriber.until('APPLYING', ({ events }) => events.some((event) => event.review.id === started.id && event.type === 'APPLYING'));
    const applying = subscriber.events.find((event) => event.review.id === started.id && event.type === 'APPLYING')!;
    // The jump INITIALIZING → APPLYING, no upload: the window was missed first (lifecycle order).
    expect(subscriber.events.filter((event) => event.review.id === started.id).map((event) => event.type)).toEqual(['NEEDS_UPLOAD', 'UPLOAD_WINDOW_MISSED', 'APPLYING']);
    await until('the 500 was followed by a 2xx', () => receiver.received.filter((delivery) => delivery.headers['webhook-id'] === applying.id).length >= 2);
    const attempts = receiver.received.filter((delivery) => delivery.headers['webhook-id'] === applying.id);
    expect(attempts.map((attempt) => attempt.answered)).toEqual([500, 204]);
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    expect(await metric(t, 'gateway_webhook_deliveries_total{outcome="retried"}')).toBeGreaterThanOrEqual(1);
  });

  it('moves the emulator’s clock: a review INITIALIZING for two hours is IN_PROGRESS, its window missed', async () => {
    const subscriber = subscribe();
    await subscriber.connected;
    const started = await control(t, 'POST', `/_emulator/reviews/${REVIEW_SEED.definitionId}/instances`, {});
    await subscriber.until('NEEDS_UPLOAD', ({ events }) => events.some((event) => event.review.id === started.id));
    await control(t, 'POST', '/_emulator/clock', { forwardMinutes: 95 });
    await subscriber.until('UPLOAD_DEADLINE_NEAR', ({ events }) => events.some((event) => event.review.id === started.id && event.type === 'UPLOAD_DEADLINE_NEAR'));
    await control(t, 'POST', '/_emulator/clock', { forwardMinutes: 30 });
    await subscriber.until('UPLOAD_WINDOW_MISSED', ({ events }) => events.some((event) => event.review.id === started.id && event.type === 'UPLOAD_WINDOW_MISSED'));
    expect(subscriber.events.find((event) => event.review.id === started.id && event.type === 'UPLOAD_WINDOW_MISSED')!.review.status).toBe('IN_PROGRESS');
  });

  it('refuses a subscription to a resource WATCH does not name: BAD_USER_INPUT, as the protocol’s error', async () => {
    const subscriber = subscribe({}, { catalogId: SEED.catalogId, resourceId: REVIEW_SEED.otherResourceId });
    await subscriber.until('an error', ({ errors }) => errors.length > 0);
    expect(subscriber.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(subscriber.errors[0]!.message).toContain('WATCH');
    expect(subscriber.events).toEqual([]);
  });

  it('refuses a WebSocket upgrade from an origin CORS refuses, and admits one it allows', async () => {
    expect(await upgradeStatus(t.url, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(t.url, 'http://localhost:5173')).toBeUndefined();
  });

  it('pauses polling when Graph answers 429: no Graph call until the pause ends, the polls fail meanwhile', async () => {
    const isDefinitions = (path: string) => path.includes('/accessReviews/definitions');
    await scriptFault(t, { method: 'GET', path: '/accessReviews/definitions', status: 429, retryAfter: '60', times: 1 });
    await until('the 429 was answered', () => t.emulator.requests.some((logged) => isDefinitions(logged.path) && logged.status === 429));
    const failed = 'gateway_watch_polls_total{watch="73eb2497-3b88-4c0a-8bb3-68ba8162beff/99ab2454-3b88-4c0a-8bb3-68ba8162beff",outcome="failed"}';
    const failedBefore = await metric(t, failed);
    await until('three more polls failed', async () => (await metric(t, failed)) >= failedBefore + 3);
    const since429 = t.emulator.requests.slice(t.emulator.requests.findIndex((logged) => logged.status === 429) + 1);
    expect(since429.filter((logged) => isDefinitions(logged.path))).toEqual([]);
  });
});

describe('watching reviews: subscriptions authenticate in connection_init', () => {
  let authority: FakeAuthority;
  let t: TestGateway;
  const user = { oid: 'aaaaaaaa-0000-4000-8000-000000000001', tid: '11111111-2222-4333-8444-555555555555', azp: 'spa' };

  beforeAll(async () => {
    authority = await FakeAuthority.start();
    t = await startTestGateway({
      WATCH: `${SEED.catalogId}/${SEED.resourceId}`,
      AUTH_ISSUER: authority.issuer,
      AUTH_JWKS_URI: authority.jwksUri,
      AUTH_AUDIENCE: 'api://gateway',
      AUTH_REQUIRED_ROLES: 'Reviews.Watch',
    });
  });
  afterAll(async () => {
    await t.stop();
    await authority.close();
  });

  it.each([
    ['no token', undefined, 4401],
    ['a token of another audience', 'other-audience', 4401],
    ['a valid token without the role', 'no-role', 4403],
  ])('closes the socket for %s', async (_, kind, code) => {
    const token = kind === undefined ? undefined : await authority.issue({ ...user, aud: kind === 'other-audience' ? 'api://other' : 'api://gateway' });
    const subscriber = subscribeToEvents(t.url, RESOURCE, { token });
    await subscriber.until('the socket closed', ({ closed }) => closed !== undefined);
    expect(subscriber.closed!.code).toBe(code);
    await subscriber.dispose();
  });

  it('serves a valid token with the role', async () => {
    const subscriber = subscribeToEvents(t.url, RESOURCE, { token: await authority.issue({ ...user, aud: 'api://gateway', roles: ['Reviews.Watch'] }) });
    // The first poll reports the seeded review that is APPLYING (and the one INITIALIZING) to subscribers then connected.
    await subscriber.connected;
    expect(subscriber.closed).toBeUndefined();
    await subscriber.dispose();
  });
});

describe('watching reviews: trusted documents apply on the WebSocket too', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ WATCH: `${SEED.catalogId}/${SEED.resourceId}`, TRUSTED_DOCUMENTS: 'enforce' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('runs the generated AccessReviewEvents document, and refuses another with PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const trusted = subscribeToEvents(t.url, RESOURCE, { query: print(AccessReviewEventsDocument) });
    // The first poll reports the seeded APPLYING review to whoever is subscribed by then; being served is what counts here.
    await trusted.connected;
    const untrusted = subscribeToEvents(t.url, RESOURCE);
    await untrusted.until('an error', ({ errors }) => errors.length > 0);
    expect(untrusted.errors[0]).toMatchObject({ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } });
    expect(trusted.errors).toEqual([]);
    await Promise.all([trusted.dispose(), untrusted.dispose()]);
  });
});
