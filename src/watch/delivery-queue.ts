/** One webhook delivery: the event's id (its `webhook-id`) and body, kept until a 2xx or until it is given up. */
export interface Delivery {
  id: string;
  /** The JSON body, exactly as POSTed on every attempt (webhookBody). */
  body: string;
  /** Epoch ms of the first attempt's due time: retries end WEBHOOK_RETRY_S after it. */
  firstAt: number;
  /** Attempts made so far. */
  attempts: number;
}

/** Pending deliveries: in memory, or in Redis so they survive the replica that made them. */
export interface DeliveryQueue {
  add(delivery: Delivery): Promise<void>;
  /**
   * Due deliveries, at most `max`, each hidden from every other taker until `hiddenUntil`: if this replica dies
   * while sending, another takes it up then (at least once).
   */
  take(now: number, hiddenUntil: number, max: number): Promise<Delivery[]>;
  /** Delivered, or given up: forgotten. */
  remove(id: string): Promise<void>;
  /** Tried again at `dueAt`, with its attempt counted. */
  reschedule(delivery: Delivery, dueAt: number): Promise<void>;
}

/** One process's deliveries (no Redis, or Redis unreachable when the event was made). */
export class MemoryDeliveryQueue implements DeliveryQueue {
  private readonly pending = new Map<string, { delivery: Delivery; dueAt: number }>();

  async add(delivery: Delivery): Promise<void> {
    if (!this.pending.has(delivery.id)) this.pending.set(delivery.id, { delivery, dueAt: delivery.firstAt });
  }

  async take(now: number, hiddenUntil: number, max: number): Promise<Delivery[]> {
    const due = [...this.pending.values()].filter((entry) => entry.dueAt <= now).slice(0, max);
    for (const entry of due) entry.dueAt = hiddenUntil;
    return due.map((entry) => entry.delivery);
  }

  async remove(id: string): Promise<void> {
    this.pending.delete(id);
  }

  async reschedule(delivery: Delivery, dueAt: number): Promise<void> {
    this.pending.set(delivery.id, { delivery, dueAt });
  }

  get size(): number {
    return this.pending.size;
  }
}
