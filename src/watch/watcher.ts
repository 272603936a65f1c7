import type { Logger } from 'pino';
import type { WatchConfig, WatchTarget } from '../config';
import type { GraphCall, GraphClient } from '../graph/graph-client';
import { parseGuids } from '../graph/odata/ids';
import type { PageSize } from '../graph/odata/paging';
import { eventId, topicOf, type ReviewEvent } from './review-event';
import { observe, reviewSnapshot } from './review-snapshot';
import { transitions } from './transitions';
import type { WatchMetrics } from './watch-metrics';
import type { WatchStore } from './watch-store';

/**
 * One poll reads the newest instances (one `accessReviews` page of this size, with the sessions): the cost
 * of one listing. ASSUMPTION: a resource has at most this many instances worth watching at once; older ones
 * have long been applied.
 */
const POLL_PAGE = 100 as PageSize;
/** A poll gives up after this long: its Graph calls wait out a throttling pause only if it ends well before. */
const POLL_DEADLINE_MS = 30_000;

export interface WatcherOptions {
  config: WatchConfig;
  graph: GraphClient;
  /** The gateway's own Graph credential in the watched resource's tenant, asked for on every attempt (GraphCall.authorization). */
  authorization: (signal: AbortSignal, tenantId: string | undefined) => () => Promise<string>;
  store: WatchStore;
  metrics: WatchMetrics;
  logger: Logger;
}

/**
 * Reads each watched resource's reviews every WATCH_INTERVAL_S, when this process is the poller, and turns
 * what changed into events (transitions.ts), committed through the store. Between polls it ticks twice an
 * interval: the holder renews its lease, the others try to take it (so a dead holder's lease, 1.5 intervals
 * long, is taken within two intervals of its death) and copy the shared state.
 */
export class Watcher {
  private timer: NodeJS.Timeout | undefined;
  private nextPollAt = 0;
  private stopped = false;
  private ticking: Promise<void> | undefined;
  /** Aborts a poll in flight at stop(), so shutdown does not wait out a slow or throttled Graph. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: WatcherOptions) {}

  /** The lease's time to live: one and a half intervals. */
  static leaseTtlMs(config: WatchConfig): number {
    return Math.round(config.intervalMs * 1.5);
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopping.abort();
    await this.ticking;
    await this.options.store.stop();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => this.schedule(Math.max(250, this.options.config.intervalMs / 2)));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { config, store, metrics, logger } = this.options;
    let polled = false;
    const started = Date.now();
    try {
      for (const target of config.targets) {
        // Asked before each resource: a long poll of many resources renews the lease as it goes.
        const polls = await store.mayPoll();
        metrics.polling(polls);
        if (this.stopped) return;
        if (polls && Date.now() >= this.nextPollAt) {
          polled = true;
          await this.poll(target);
        } else if (!polls) {
          metrics.seen(target, (await store.load(topicOf(target)))?.polledAt);
        }
      }
      // Not before the first poll as poller: a replica that takes the lease over polls at once.
      if (polled) this.nextPollAt = started + config.intervalMs - 50;
    } catch (error) {
      logger.warn({ err: String(error) }, 'watch: tick failed');
    }
  }

  /** One resource: one listing, the transitions since the last state seen, one commit. */
  private async poll(target: WatchTarget): Promise<void> {
    const { graph, store, metrics, logger, config } = this.options;
    const signal = AbortSignal.any([AbortSignal.timeout(POLL_DEADLINE_MS), this.stopping.signal]);
    const log = logger.child({ watch: target.label });
    const call: GraphCall = { authorization: this.options.authorization(signal, target.tenantId || undefined), signal, deadline: Date.now() + POLL_DEADLINE_MS, log };
    try {
      const resource = parseGuids({ catalogId: target.catalogId, resourceId: target.resourceId });
      const page = await graph.reviews.listInstances(resource, { first: POLL_PAGE }, call);
      const sessions = await page.sessions();
      const now = Date.now();
      const instances = page.edges.map(({ node }) => node);
      const topic = topicOf(target);
      const { due, next } = transitions(await store.load(topic), instances.map((instance) => observe(instance, sessions)), now, config.deadlineWarningMs);
      const byId = new Map(instances.map((instance) => [instance.id, instance]));
      const events: ReviewEvent[] = due.map(({ instanceId, type }) => ({
        id: eventId(target, instanceId, type),
        type,
        occurredAt: new Date(now).toISOString(),
        tenantId: target.tenantId,
        catalogId: target.catalogId,
        resourceId: target.resourceId,
        review: reviewSnapshot(byId.get(instanceId)!, sessions, now),
      }));
      if (!(await store.commit(topic, events, { ...next, polledAt: now }))) return void log.info('watch: the lease moved to another replica before this poll was committed; it is dropped');
      metrics.polled(target, now);
      for (const event of events) {
        metrics.reported(event.type);
        log.info({ event: { id: event.id, type: event.type, reviewInstanceId: event.review.id } }, `watch: ${event.type}`);
      }
    } catch (error) {
      metrics.polls.inc({ watch: target.label, outcome: 'failed' });
      const failure = (error as { failure?: { kind?: string; status?: number; graphCode?: string } }).failure;
      log.warn({ err: failure ? { kind: failure.kind, status: failure.status, code: failure.graphCode } : String(error) }, 'watch: poll failed; the next one tries again');
    }
  }
}
