import type { RedisState } from '../shared-state/redis-state';
import type { Delivery, DeliveryQueue } from './delivery-queue';
import { TAKE_DUE, WATCH_KEYS } from './redis-scripts';

/**
 * Pending webhook deliveries in Redis, shared by every replica: any of them sends a due one, and one taken
 * by a replica that died is due again once its hiding time passes. Deliveries are added by the poll's commit
 * script (redis-scripts.ts), together with the event. While Redis is away, nothing is taken from here.
 */
export class RedisDeliveryQueue implements DeliveryQueue {
  constructor(private readonly redis: RedisState) {}

  async add(delivery: Delivery): Promise<void> {
    await this.redis.commands
      .multi()
      .hset(WATCH_KEYS.deliveries, delivery.id, JSON.stringify(delivery))
      .zadd(WATCH_KEYS.deliveriesDue, delivery.firstAt, delivery.id)
      .exec();
  }

  async take(now: number, hiddenUntil: number, max: number): Promise<Delivery[]> {
    if (!this.redis.up) return [];
    const records = (await this.redis.commands.eval(TAKE_DUE, 2, WATCH_KEYS.deliveriesDue, WATCH_KEYS.deliveries, String(now), String(hiddenUntil), String(max))) as string[];
    return records.flatMap((record) => {
      try {
        return [JSON.parse(record) as Delivery];
      } catch {
        return [];
      }
    });
  }

  async remove(id: string): Promise<void> {
    await this.redis.commands.multi().zrem(WATCH_KEYS.deliveriesDue, id).hdel(WATCH_KEYS.deliveries, id).exec();
  }

  async reschedule(delivery: Delivery, dueAt: number): Promise<void> {
    await this.redis.commands
      .multi()
      .hset(WATCH_KEYS.deliveries, delivery.id, JSON.stringify(delivery))
      .zadd(WATCH_KEYS.deliveriesDue, dueAt, delivery.id)
      .exec();
  }
}
