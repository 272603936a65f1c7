import type { ReviewEvent } from './review-event';

type Listener = (event: ReviewEvent) => void;

/**
 * This process's end of the events: what a poll publishes (in memory) or what Redis pub/sub brings (any
 * replica's poll) reaches every listener here, the subscriptions and nothing else. A subscriber sees an event
 * once per delivery to this process; receivers deduplicate by `id` when Redis was away (contract).
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit(event: ReviewEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Returns the function that stops listening. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/** An event as it travels through Redis pub/sub; undefined for a message that is not one (another version's, say). */
export function parseEvent(message: string): ReviewEvent | undefined {
  try {
    const event = JSON.parse(message) as Partial<ReviewEvent>;
    const valid = typeof event.id === 'string' && typeof event.type === 'string' && typeof event.catalogId === 'string' && typeof event.review === 'object';
    return valid ? (event as ReviewEvent) : undefined;
  } catch {
    return undefined;
  }
}
