import 'reflect-metadata';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { SEED } from '../support/gateway';
import { startRedis, type TestRedis } from '../support/redis-server';
import { startReplicas, stopReplicas, until, type Replica } from '../support/replicas';
import { subscribeToEvents, type ReceivedEvent, type Subscriber } from '../support/subscriber';

jest.setTimeout(240_000);

const SECRET = `whsec_${Buffer.from('an e2e secret of thirty-two byte').toString('base64')}`;
const RESOURCE = { catalogId: SEED.catalogId, resourceId: SEED.resourceId };
const WATCH = `${SEED.catalogId}/${SEED.resourceId}`;
const POLLS_OK = `gateway_watch_polls_total{watch="${WATCH}",outcome="ok"}`;

let emulator: Emulator;
let graphBaseUrl: URL;
let redis: TestRedis;
let replicas: Replica[] = [];
let hooks: { url: string; received: { headers: IncomingHttpHeaders; body: string }[]; server: Server };
const subscribers: Subscriber[] = [];

beforeAll(async () => {
  emulator = createEmulator();
  graphBaseUrl = await emulator.listen(0, '127.0.0.1');
  redis = await startRedis();
  hooks = await startReceiver();
  // Emulator mode against one shared emulator (GRAPH_BASE_URL): every replica sees the same reviews.
  replicas = await startReplicas(3, {
    GRAPH_BASE_URL: graphBaseUrl.href,
    REDIS_URL: redis.url,
    WATCH,
    WATCH_INTERVAL_S: '1',
    WEBHOOK_URL: hooks.url,
    WEBHOOK_SECRET: SECRET,
  });
  await until('every replica shares state through Redis', async () => (await Promise.all(replicas.map((r) => r.metric('gateway_shared_state_up')))).every((v) => v === 1));
  await until('one replica polls', async () => (await pollers()).length === 1);
  await until('the first poll is done', async () => (await Promise.all(replicas.map((r) => r.metric(POLLS_OK)))).some((count) => count > 0));
});
afterAll(async () => {
  await Promise.all(subscribers.map((subscriber) => subscriber.dispose()));
  await stopReplicas(replicas);
  await redis.stop();
  await emulator.close();
  await new Promise((resolve) => hooks.server.close(resolve));
});

async function startReceiver() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, server };
}

/** The replicas that say they poll (gateway_watch_poller 1), among those alive. */
async function pollers(alive = replicas): Promise<Replica[]> {
  const flags = await Promise.all(alive.map((replica) => replica.metric('gateway_watch_poller')));
  return alive.filter((_, index) => flags[index] === 1);
}

async function control(method: 'POST' | 'PATCH', path: string, json: unknown): Promise<Record<string, unknown>> {
  const response = await request(new URL(path, graphBaseUrl), { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${path}: ${response.statusCode} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function subscribe(replica: Replica): Promise<Subscriber> {
  const subscriber = subscribeToEvents(replica.url, RESOURCE);
  subscribers.push(subscriber);
  await subscriber.connected;
  return subscriber;
}

const startInstance = async () => (await control('POST', `/_emulator/reviews/${REVIEW_SEED.definitionId}/instances`, {})).id as string;
const ofInstance = (events: ReceivedEvent[], instanceId: string, type?: string) => events.filter((event) => event.review.id === instanceId && (type === undefined || event.type === type));
const deliveries = (id: string) => hooks.received.filter((delivery) => delivery.headers['webhook-id'] === id);

/** Lets the poller poll `polls` more times: enough for anything that would come twice to have come. */
async function morePolls(polls = 3): Promise<void> {
  const total = async () => (await Promise.all(replicas.map((r) => r.metric(POLLS_OK).catch(() => 0)))).reduce((a, b) => a + b, 0);
  const before = await total();
  await until(`${polls} more polls`, async () => (await total()) >= before + polls);
}

it('a new Initializing instance reaches subscribers on two replicas once each, with one id, and the webhook once, signed', async () => {
  const [first, second] = await Promise.all([subscribe(replicas[1]!), subscribe(replicas[2]!)]);
  const instanceId = await startInstance();
  for (const subscriber of [first, second]) await subscriber.until('NEEDS_UPLOAD', ({ events }) => ofInstance(events, instanceId, 'NEEDS_UPLOAD').length > 0);
  await until('the webhook got it', () => hooks.received.some((delivery) => JSON.parse(delivery.body).review.id === instanceId));
  await morePolls();
  const [a, b] = [ofInstance(first.events, instanceId), ofInstance(second.events, instanceId)];
  expect(a).toHaveLength(1);
  expect(b).toHaveLength(1);
  expect(a[0]!.id).toBe(b[0]!.id);
  const delivered = deliveries(a[0]!.id);
  expect(delivered).toHaveLength(1);
  expect(new Webhook(SECRET).verify(delivered[0]!.body, delivered[0]!.headers as Record<string, string>)).toMatchObject({ id: a[0]!.id, type: 'NEEDS_UPLOAD' });
});

it('deadline-near, window-missed, completed, applying and applied each arrive', async () => {
  const subscriber = await subscribe(replicas[0]!);
  const uploaded = await startInstance();
  const missed = await startInstance();
  await subscriber.until('NEEDS_UPLOAD twice', ({ events }) => ofInstance(events, uploaded).length > 0 && ofInstance(events, missed).length > 0);
  await control('POST', '/_emulator/clock', { forwardMinutes: 95 });
  await subscriber.until('UPLOAD_DEADLINE_NEAR', ({ events }) => ofInstance(events, uploaded, 'UPLOAD_DEADLINE_NEAR').length > 0);
  await control('POST', '/_emulator/sessions', { ...RESOURCE, status: 'complete', referenceId: uploaded, files: [{ name: 'access.csv', size: 10 }] });
  await subscriber.until('UPLOAD_COMPLETED', ({ events }) => ofInstance(events, uploaded, 'UPLOAD_COMPLETED').length > 0);
  await control('POST', '/_emulator/clock', { forwardMinutes: 30 });
  await subscriber.until('UPLOAD_WINDOW_MISSED', ({ events }) => ofInstance(events, missed, 'UPLOAD_WINDOW_MISSED').length > 0);
  await control('PATCH', `/_emulator/reviews/instances/${uploaded}`, { status: 'Applying' });
  await subscriber.until('APPLYING', ({ events }) => ofInstance(events, uploaded, 'APPLYING').length > 0);
  await control('PATCH', `/_emulator/reviews/instances/${uploaded}`, { status: 'Applied' });
  await subscriber.until('APPLIED', ({ events }) => ofInstance(events, uploaded, 'APPLIED').length > 0);
  await morePolls();
  expect(ofInstance(subscriber.events, uploaded).map((event) => event.type)).toEqual(['NEEDS_UPLOAD', 'UPLOAD_DEADLINE_NEAR', 'UPLOAD_COMPLETED', 'APPLYING', 'APPLIED']);
  expect(ofInstance(subscriber.events, missed).map((event) => event.type)).toEqual(['NEEDS_UPLOAD', 'UPLOAD_DEADLINE_NEAR', 'UPLOAD_WINDOW_MISSED']);
});

it('killing the polling replica loses and doubles nothing', async () => {
  const [poller] = await pollers();
  const survivors = replicas.filter((replica) => replica !== poller);
  const watching = await Promise.all(survivors.map(subscribe));
  const before = await startInstance();
  for (const subscriber of watching) await subscriber.until('NEEDS_UPLOAD before the kill', ({ events }) => ofInstance(events, before).length > 0);

  poller!.process.signalGroup('SIGKILL');
  await poller!.process.closed;
  replicas = survivors;
  // A review that starts while nobody polls is still told, by the replica that takes the lease over.
  const during = await startInstance();
  await until('another replica polls', async () => (await pollers(survivors)).length === 1);
  for (const subscriber of watching) await subscriber.until('NEEDS_UPLOAD after the takeover', ({ events }) => ofInstance(events, during).length > 0);
  await morePolls();

  for (const subscriber of watching) {
    const ids = subscriber.events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ofInstance(subscriber.events, before)).toHaveLength(1);
    expect(ofInstance(subscriber.events, during)).toHaveLength(1);
  }
  await until('the webhook got both', () => [before, during].every((id) => hooks.received.some((delivery) => JSON.parse(delivery.body).review.id === id)));
});
