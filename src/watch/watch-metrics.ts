import { Counter, Gauge, type Registry } from 'prom-client';
import type { WatchTarget } from '../config';
import type { ReviewEventType } from './review-event';

export type DeliveryOutcome = 'delivered' | 'retried' | 'given_up';

/**
 * The watcher's metrics, on the gateway's registry. Per-resource series are labelled by the WATCH entry, which
 * configuration bounds (at most 50); events by type and deliveries by outcome have fixed label sets.
 */
export class WatchMetrics {
  readonly polls: Counter<'watch' | 'outcome'>;
  readonly events: Counter<'type'>;
  readonly deliveries: Counter<'outcome'>;
  private readonly poller: Gauge;
  /** Epoch ms of the last successful poll of each entry, by anyone (read from the shared state on other replicas). */
  private readonly lastSuccess = new Map<string, number>();

  constructor(registry: Registry, targets: readonly WatchTarget[]) {
    const registers = [registry];
    this.polls = new Counter({
      name: 'gateway_watch_polls_total',
      help: 'Polls of a watched resource’s reviews made by this process, by WATCH entry and outcome (ok, failed).',
      labelNames: ['watch', 'outcome'] as const,
      registers,
    });
    this.events = new Counter({ name: 'gateway_watch_events_total', help: 'Review events this process’s polls reported, by type.', labelNames: ['type'] as const, registers });
    this.deliveries = new Counter({
      name: 'gateway_webhook_deliveries_total',
      help: 'Webhook delivery attempts made by this process, by outcome: delivered (2xx), retried (another attempt follows), given_up (WEBHOOK_RETRY_S passed).',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.poller = new Gauge({ name: 'gateway_watch_poller', help: '1 while this process is the one polling the watched reviews (it holds the lease, or polls on its own memory).', registers });
    const lastSuccess = this.lastSuccess;
    new Gauge({
      name: 'gateway_watch_last_poll_age_seconds',
      help: 'Seconds since the last successful poll of each watched resource, by any replica; absent until there was one.',
      labelNames: ['watch'] as const,
      registers,
      collect() {
        for (const target of targets) {
          const at = lastSuccess.get(target.label);
          if (at !== undefined) this.set({ watch: target.label }, Math.max(0, (Date.now() - at) / 1000));
        }
      },
    });
    for (const target of targets) for (const outcome of ['ok', 'failed']) this.polls.inc({ watch: target.label, outcome }, 0);
  }

  polled(target: WatchTarget, at: number): void {
    this.polls.inc({ watch: target.label, outcome: 'ok' });
    this.seen(target, at);
  }

  /** A successful poll of `target` at `at`, by this replica or (read from the shared state) another. */
  seen(target: WatchTarget, at: number | undefined): void {
    if (at !== undefined && at > (this.lastSuccess.get(target.label) ?? 0)) this.lastSuccess.set(target.label, at);
  }

  reported(type: ReviewEventType): void {
    this.events.inc({ type });
  }

  polling(polls: boolean): void {
    this.poller.set(polls ? 1 : 0);
  }
}
