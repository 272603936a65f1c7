import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RedisState } from '../shared-state/redis-state';
import type { DeliveryQueue } from './delivery-queue';
import { parseEvent, type EventBus } from './event-bus';
import { RedisDeliveryQueue } from './redis-delivery-queue';
import { ACQUIRE_OR_RENEW, COMMIT, RELEASE, WATCH_KEYS } from './redis-scripts';
import { webhookBody, type ReviewEvent } from './review-event';
import type { ResourceState } from './transitions';
import { MemoryWatchStore, type WatchStore } from './watch-store';

/** How long a published event's id is remembered: far longer than any failover, so a repeated commit publishes nothing. */
const PUBLISHED_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

export interface RedisWatchStoreOptions {
  redis: RedisState;
  bus: EventBus;
  /** The lease's time to live: the holder renews it at every tick, well within it. */
  leaseTtlMs: number;
  webhooks: boolean;
  logger: Logger;
}

/**
 * The watch state every replica shares (contract, "Exactly one poller"): a lease names the one poller, the
 * last state seen and the pending deliveries live in Redis, and events reach every replica by pub/sub. While
 * Redis cannot be reached, this replica polls on its own memory (`fallback`), which keeps a copy of the
 * last state it read from Redis, so it goes on from there: events may then come twice (same id), never lost.
 */
export class RedisWatchStore implements WatchStore {
  private readonly token = randomUUID();
  private readonly fallback: MemoryWatchStore;
  private readonly queue: RedisDeliveryQueue;
  private holding = false;

  constructor(private readonly options: RedisWatchStoreOptions) {
    this.fallback = new MemoryWatchStore(options.bus, { poller: () => true, webhooks: options.webhooks });
    this.queue = new RedisDeliveryQueue(options.redis);
    options.redis.listen(WATCH_KEYS.channel, (message) => {
      const event = parseEvent(message);
      if (event) options.bus.emit(event);
    });
  }

  async mayPoll(): Promise<boolean> {
    const { redis, leaseTtlMs, logger } = this.options;
    if (!redis.up) return this.change(false, 'Redis unreachable: polling on this replica’s own memory until it is back', true);
    try {
      const held = (await redis.commands.eval(ACQUIRE_OR_RENEW, 1, WATCH_KEYS.lease, this.token, String(leaseTtlMs))) === 1;
      return this.change(held, held ? 'this replica polls the watched reviews (it holds the lease)' : 'another replica polls the watched reviews', held);
    } catch (error) {
      logger.debug({ err: String(error) }, 'watch lease: Redis did not answer');
      return this.change(false, 'Redis did not answer: polling on this replica’s own memory', true);
    }
  }

  async load(topic: string): Promise<ResourceState | undefined> {
    const { redis } = this.options;
    if (!redis.up) return this.fallback.load(topic);
    try {
      const stored = await redis.commands.get(WATCH_KEYS.state(topic));
      if (stored === null) return undefined;
      const state = JSON.parse(stored) as ResourceState;
      this.fallback.remember(topic, state);
      return state;
    } catch {
      return this.fallback.load(topic);
    }
  }

  async commit(topic: string, events: readonly ReviewEvent[], next: ResourceState): Promise<boolean> {
    const { redis, webhooks } = this.options;
    if (!this.holding) return this.fallback.commit(topic, events, next);
    const now = Date.now();
    const perEvent = events.flatMap((event) => [event.id, JSON.stringify(event), JSON.stringify({ id: event.id, body: webhookBody(event), firstAt: now, attempts: 0 })]);
    const keys = [WATCH_KEYS.lease, WATCH_KEYS.state(topic), WATCH_KEYS.deliveriesDue, WATCH_KEYS.deliveries];
    const args = [this.token, JSON.stringify(next), WATCH_KEYS.channel, WATCH_KEYS.published, String(PUBLISHED_KEPT_MS), webhooks ? '1' : '0', String(now), ...perEvent];
    let published: unknown;
    try {
      published = await redis.commands.eval(COMMIT, keys.length, ...keys, ...args);
    } catch {
      // No answer: the commit may or may not have landed. Told here too (same ids), and the next poll's commit
      // publishes only what did not land: more than once, never lost.
      return this.fallback.commit(topic, events, next);
    }
    if (published === -1) {
      this.holding = false;
      return false;
    }
    this.fallback.remember(topic, next);
    return true;
  }

  deliveryQueues(): DeliveryQueue[] {
    return [this.queue, this.fallback.deliveries];
  }

  async stop(): Promise<void> {
    if (!this.holding || !this.options.redis.up) return;
    this.holding = false;
    await this.options.redis.commands.eval(RELEASE, 1, WATCH_KEYS.lease, this.token).catch(() => undefined);
  }

  private lastSaid: string | undefined;

  /** Logs a change of role once, not at every tick. */
  private change(holding: boolean, what: string, polls: boolean): boolean {
    this.holding = holding;
    if (this.lastSaid !== what) {
      this.lastSaid = what;
      this.options.logger.info({ watch: { polls } }, `watch: ${what}`);
    }
    return polls;
  }
}
