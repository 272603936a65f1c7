import type { PubSub } from 'type-graphql';

/** A subscriber this far behind is dropped rather than let hold the events in memory without bound. */
const MAX_QUEUED = 1_000;

interface Subscriber {
  queue: unknown[];
  wake: ((result: IteratorResult<unknown>) => void) | undefined;
  overflowed: boolean;
}

/**
 * type-graphql's PubSub (publish, and subscribe as an AsyncIterable) over this process's events. The events
 * of every replica reach `publish` here through the watcher's bus (Redis pub/sub, or memory), so no Redis
 * adapter is needed: the published ones (@graphql-yoga/redis-event-target, graphql-redis-subscriptions)
 * declare ioredis ^5, and the project pins 6.
 */
export class EventPubSub implements PubSub {
  private readonly topics = new Map<string, Set<Subscriber>>();

  publish(topic: string, payload: unknown): void {
    for (const subscriber of this.topics.get(topic) ?? []) {
      if (subscriber.wake) {
        const wake = subscriber.wake;
        subscriber.wake = undefined;
        wake({ value: payload, done: false });
      } else if (subscriber.queue.length < MAX_QUEUED) {
        subscriber.queue.push(payload);
      } else {
        subscriber.overflowed = true;
      }
    }
  }

  subscribe(topic: string): AsyncIterable<unknown> {
    const subscriber: Subscriber = { queue: [], wake: undefined, overflowed: false };
    const subscribers = this.topics.get(topic) ?? new Set();
    this.topics.set(topic, subscribers.add(subscriber));
    const leave = () => {
      subscribers.delete(subscriber);
      if (subscribers.size === 0 && this.topics.get(topic) === subscribers) this.topics.delete(topic);
      subscriber.wake?.({ value: undefined, done: true });
      subscriber.wake = undefined;
    };
    const iterator: AsyncIterableIterator<unknown> = {
      next: () => {
        if (subscriber.overflowed) {
          leave();
          return Promise.reject(new Error('The subscriber fell too far behind the events.'));
        }
        if (subscriber.queue.length > 0) return Promise.resolve({ value: subscriber.queue.shift(), done: false });
        if (!subscribers.has(subscriber)) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (subscriber.wake = resolve));
      },
      return: async () => {
        leave();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Subscribers now, on every topic (for tests and shutdown). */
  get size(): number {
    let count = 0;
    for (const subscribers of this.topics.values()) count += subscribers.size;
    return count;
  }
}
