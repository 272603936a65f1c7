import type { DeliveryQueue } from './delivery-queue';
import { MemoryDeliveryQueue } from './delivery-queue';
import type { EventBus } from './event-bus';
import { webhookBody, type ReviewEvent } from './review-event';
import type { ResourceState } from './transitions';

/** Where the poller keeps what it saw and sends what it found: this process's memory, or Redis for every replica. */
export interface WatchStore {
  /** Whether this process polls now: it holds the lease, or it is the one poller, or Redis is away. */
  mayPoll(): Promise<boolean>;
  /** The last state seen of a watched resource (its topic); undefined when it was never polled. */
  load(topic: string): Promise<ResourceState | undefined>;
  /** Publishes the events (to every replica's subscribers; webhooks queued) and remembers `next`; false when another replica holds the lease. */
  commit(topic: string, events: readonly ReviewEvent[], next: ResourceState): Promise<boolean>;
  /** The queues the webhook sender works through. */
  deliveryQueues(): DeliveryQueue[];
  /** Gives the lease up, if held, so another replica takes over at once. */
  stop(): Promise<void>;
}

/**
 * One process's watch state. Without Redis, the one poller (`poller`: in cluster mode only one worker is);
 * with Redis, the fallback every replica polls on while Redis is away, and the copy it keeps meanwhile.
 */
export class MemoryWatchStore implements WatchStore {
  private readonly states = new Map<string, ResourceState>();
  readonly deliveries = new MemoryDeliveryQueue();

  /** `relay`: where else this process's events go (the other cluster workers, through the primary, without Redis). */
  constructor(
    private readonly bus: EventBus,
    private readonly options: { poller: () => boolean; webhooks: boolean; relay?: (event: ReviewEvent) => void },
  ) {}

  async mayPoll(): Promise<boolean> {
    return this.options.poller();
  }

  async load(topic: string): Promise<ResourceState | undefined> {
    return this.states.get(topic);
  }

  /** What Redis holds, copied here so a fall back to memory goes on from it. */
  remember(topic: string, state: ResourceState): void {
    this.states.set(topic, state);
  }

  async commit(topic: string, events: readonly ReviewEvent[], next: ResourceState): Promise<boolean> {
    this.states.set(topic, next);
    for (const event of events) {
      this.bus.emit(event);
      this.options.relay?.(event);
      if (this.options.webhooks) await this.deliveries.add({ id: event.id, body: webhookBody(event), firstAt: Date.now(), attempts: 0 });
    }
    return true;
  }

  deliveryQueues(): DeliveryQueue[] {
    return [this.deliveries];
  }

  async stop(): Promise<void> {}
}
