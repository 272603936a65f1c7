import cluster from 'node:cluster';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { WatchConfig } from '../config';
import type { GraphClient } from '../graph/graph-client';
import type { RedisState } from '../shared-state/redis-state';
import { WATCH_EVENT_MESSAGE, WATCH_POLLER_MESSAGE } from './cluster-messages';
import { EventBus, parseEvent } from './event-bus';
import { RedisWatchStore } from './redis-watch-store';
import type { ReviewEvent } from './review-event';
import { Watcher } from './watcher';
import { WatchMetrics } from './watch-metrics';
import { MemoryWatchStore, type WatchStore } from './watch-store';
import { WebhookSender } from './webhook-sender';


export interface WatchingOptions {
  config: WatchConfig;
  graph: GraphClient;
  /** The gateway's own Graph credential for one poll. */
  authorization: (signal: AbortSignal, tenantId: string | undefined) => () => Promise<string>;
  redis: RedisState | undefined;
  registry: Registry;
  logger: Logger;
}

export interface Watching {
  /** Every event this process hears of, its own poll's or another replica's. */
  bus: EventBus;
  stop(): Promise<void>;
}

/**
 * The watcher, where its state lives, and the webhook sender, composed for this process: with Redis, shared
 * by every replica; without it, in this process's memory, polled by this process only, or in a cluster
 * (WORKERS > 1) by the first worker only, whose events the primary relays to the others.
 */
export function startWatching({ config, graph, authorization, redis, registry, logger }: WatchingOptions): Watching {
  const bus = new EventBus();
  const log = logger.child({ component: 'watch' });
  const webhooks = config.webhook !== undefined;
  const store: WatchStore = redis
    ? new RedisWatchStore({ redis, bus, leaseTtlMs: Watcher.leaseTtlMs(config), webhooks, logger: log })
    : new MemoryWatchStore(bus, { poller: cluster.isWorker ? designatedPoller() : () => true, webhooks, relay: cluster.isWorker ? relayToWorkers(bus) : undefined });
  const metrics = new WatchMetrics(registry, config.targets);
  const watcher = new Watcher({ config, graph, authorization, store, metrics, logger: log });
  const sender = config.webhook && new WebhookSender({ config: config.webhook, queues: () => store.deliveryQueues(), metrics, logger: log });
  watcher.start();
  sender?.start();
  log.info({ watch: config.targets.map((target) => target.label), intervalS: config.intervalMs / 1000, webhook: config.webhook?.url.origin }, 'watching access reviews');
  return {
    bus,
    async stop() {
      await watcher.stop();
      await sender?.stop();
    },
  };
}

/** Whether the primary chose this worker to poll: one worker at a time, another when it dies. */
function designatedPoller(): () => boolean {
  let designated = false;
  process.on('message', (message: { kind?: unknown }) => {
    if (message?.kind === WATCH_POLLER_MESSAGE) designated = true;
  });
  return () => designated;
}

/** Sends this worker's events to the others through the primary, and emits theirs here. */
function relayToWorkers(bus: EventBus): (event: ReviewEvent) => void {
  process.on('message', (message: { kind?: unknown; event?: unknown }) => {
    const event = message?.kind === WATCH_EVENT_MESSAGE && typeof message.event === 'string' ? parseEvent(message.event) : undefined;
    if (event) bus.emit(event);
  });
  return (event) => process.send?.({ kind: WATCH_EVENT_MESSAGE, event: JSON.stringify(event) });
}
