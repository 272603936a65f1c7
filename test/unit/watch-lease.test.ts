import pino from 'pino';
import { Metrics } from '../../src/metrics';
import { RedisState } from '../../src/shared-state/redis-state';
import { EventBus } from '../../src/watch/event-bus';
import { RELEASE, WATCH_KEYS } from '../../src/watch/redis-scripts';
import { RedisWatchStore } from '../../src/watch/redis-watch-store';
import type { ReviewEvent } from '../../src/watch/review-event';
import { MemoryWatchStore } from '../../src/watch/watch-store';
import { startRedis, type TestRedis } from '../support/redis-server';

jest.setTimeout(60_000);

const logger = pino({ level: 'silent' });
const event = (id: string): ReviewEvent => ({ id, type: 'NEEDS_UPLOAD', occurredAt: '2026-12-07T12:00:00.000Z', tenantId: '', catalogId: 'c', resourceId: 'r', review: {} as ReviewEvent['review'] });

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 20_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the lease and the shared state in a real Redis', () => {
  let redis: TestRedis;
  const states: RedisState[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const state of states) state.close();
    await redis.stop();
  });

  async function replica(webhooks = true): Promise<{ store: RedisWatchStore; heard: ReviewEvent[]; state: RedisState }> {
    const state = new RedisState({ url: redis.url, host: redis.url, logger, metrics: new Metrics({ defaultMetrics: false }) });
    states.push(state);
    const bus = new EventBus();
    const heard: ReviewEvent[] = [];
    bus.listen((received) => heard.push(received));
    const store = new RedisWatchStore({ redis: state, bus, leaseTtlMs: 1_000, webhooks, logger });
    state.start();
    await until(() => state.up);
    return { store, heard, state };
  }

  it('one holder at a time; renewed by its holder; released only by it, then taken by another', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(await a.store.mayPoll()).toBe(true);
    expect(await b.store.mayPoll()).toBe(false);
    expect(await a.store.mayPoll()).toBe(true); // renewed
    // The release script run with a token that is not the holder's deletes nothing (b's own stop() would not even send it).
    expect(await b.state.commands.eval(RELEASE, 1, WATCH_KEYS.lease, 'not-the-holder')).toBe(0);
    expect(await b.store.mayPoll()).toBe(false);
    await a.store.stop();
    expect(await b.store.mayPoll()).toBe(true);
    await b.store.stop();
  });

  it('a holder that dies loses the lease when its time to live runs out', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(await a.store.mayPoll()).toBe(true);
    a.state.close(); // dies without releasing
    await until(() => !a.state.up);
    for (let tries = 0; !(await b.store.mayPoll()); tries++) {
      if (tries > 200) throw new Error('the lease was never free');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await b.store.stop();
  });

  it('a commit publishes each event id once to every replica, queues its delivery once, and keeps the state', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(await a.store.mayPoll()).toBe(true);
    const state = { instances: { i: { status: 'INITIALIZING', reported: ['NEEDS_UPLOAD' as const] } }, polledAt: 1 };
    expect(await a.store.commit('t:c/r', [event('e-1')], state)).toBe(true);
    // The same events again (a commit whose answer was lost, a new holder reading an older state): nothing more.
    expect(await a.store.commit('t:c/r', [event('e-1')], state)).toBe(true);
    await until(() => a.heard.length === 1 && b.heard.length === 1);
    expect(await b.store.load('t:c/r')).toEqual(state);
    const due = await b.store.deliveryQueues()[0]!.take(Date.now(), Date.now() + 60_000, 10);
    expect(due.map((delivery) => delivery.id)).toEqual(['e-1']);
    // Taken: hidden from every other taker until its time passes.
    expect(await a.store.deliveryQueues()[0]!.take(Date.now(), Date.now() + 60_000, 10)).toEqual([]);
    await a.store.stop();
  });

  it('a replica that is not the holder cannot commit to Redis: its commit is refused, nothing is published', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(await a.store.mayPoll()).toBe(true);
    expect(await b.store.mayPoll()).toBe(false);
    await a.state.commands.set(WATCH_KEYS.lease, 'someone-else', 'PX', 10_000); // a took too long; another holds it now
    expect(await a.store.commit('t:c/r2', [event('e-2')], { instances: {} })).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([...a.heard, ...b.heard].map((heard) => heard.id)).not.toContain('e-2');
    await a.state.commands.del(WATCH_KEYS.lease);
  });

  it('while Redis is unreachable, every replica polls on its own memory', async () => {
    const a = await replica();
    await redis.kill();
    await until(() => !a.state.up);
    expect(await a.store.mayPoll()).toBe(true);
    expect(await a.store.commit('t:c/r', [event('e-3')], { instances: {} })).toBe(true);
    expect(a.heard.map((heard) => heard.id)).toContain('e-3');
    await redis.restart();
  });
});

describe('without Redis', () => {
  it('the one poller keeps its state and publishes in memory; a worker not chosen does not poll', async () => {
    const bus = new EventBus();
    const heard: string[] = [];
    bus.listen((received) => heard.push(received.id));
    const store = new MemoryWatchStore(bus, { poller: () => true, webhooks: true });
    expect(await store.mayPoll()).toBe(true);
    await store.commit('t', [event('e')], { instances: {} });
    expect(heard).toEqual(['e']);
    expect(await store.load('t')).toEqual({ instances: {} });
    expect(store.deliveries.size).toBe(1);
    expect(await new MemoryWatchStore(bus, { poller: () => false, webhooks: false }).mayPoll()).toBe(false);
  });
});
