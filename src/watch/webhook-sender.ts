import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import { Agent } from 'undici';
import type { WebhookConfig } from '../config';
import type { Delivery, DeliveryQueue } from './delivery-queue';
import type { WatchMetrics } from './watch-metrics';

/** The contract: no answer within 10 s is a failed attempt. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** A taken delivery stays hidden from other replicas this long: past one attempt's timeout, so two never send it at once. */
const HIDDEN_MS = ATTEMPT_TIMEOUT_MS + 5_000;
const CHECK_EVERY_MS = 1_000;
const TAKE_AT_ONCE = 20;

/**
 * The wait before attempt `attempts + 1`: 5 s, then doubling to at most 10 minutes, with ±20 % jitter so many
 * failed deliveries do not all come back at once. The first retry comes well within the contract's 30 s.
 */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The signed headers of one attempt (Standard Webhooks): the id is the event's; the timestamp is the attempt's. */
export function signedHeaders(signer: Webhook, delivery: Pick<Delivery, 'id' | 'body'>, at: Date): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': delivery.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signer.sign(delivery.id, at, delivery.body),
  };
}

export interface WebhookSenderOptions {
  config: WebhookConfig;
  /** Where pending deliveries are: Redis's and this process's own (those made while Redis was away). */
  queues: () => DeliveryQueue[];
  metrics: WatchMetrics;
  logger: Logger;
}

/**
 * POSTs each event to WEBHOOK_URL, at least once: any 2xx ends a delivery; anything else, or no answer in
 * 10 s, is tried again with growing waits until WEBHOOK_RETRY_S after the first attempt, then given up
 * (logged, counted). Every replica sends what is due, so a delivery outlives the replica that made it.
 */
export class WebhookSender {
  private readonly signer: Webhook;
  /** Its own pool: a slow receiver never holds up a Graph call. */
  private readonly dispatcher = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 5_000 } });
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: WebhookSenderOptions) {
    this.signer = new Webhook(options.config.secret.reveal());
  }

  start(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sendDue().finally(() => this.start());
    }, CHECK_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.dispatcher.close();
  }

  private async sendDue(): Promise<void> {
    for (const queue of this.options.queues()) {
      const now = Date.now();
      const due = await queue.take(now, now + HIDDEN_MS, TAKE_AT_ONCE).catch(() => []);
      await Promise.all(due.map((delivery) => this.attempt(queue, delivery)));
    }
  }

  private async attempt(queue: DeliveryQueue, delivery: Delivery): Promise<void> {
    const { config, metrics, logger } = this.options;
    const log = logger.child({ webhook: { id: delivery.id, attempt: delivery.attempts + 1 } });
    const status = await this.post(delivery);
    const attempts = delivery.attempts + 1;
    try {
      if (typeof status === 'number' && status >= 200 && status < 300) {
        metrics.deliveries.inc({ outcome: 'delivered' });
        log.info({ status }, 'webhook delivered');
        return await queue.remove(delivery.id);
      }
      const now = Date.now();
      const giveUpAt = delivery.firstAt + config.retryMs;
      if (now >= giveUpAt) {
        metrics.deliveries.inc({ outcome: 'given_up' });
        log.error({ status, attempts, since: new Date(delivery.firstAt).toISOString() }, 'webhook given up: no 2xx within WEBHOOK_RETRY_S');
        return await queue.remove(delivery.id);
      }
      metrics.deliveries.inc({ outcome: 'retried' });
      const dueAt = Math.min(now + retryDelayMs(attempts), giveUpAt);
      log.warn({ status, retryInMs: dueAt - now }, 'webhook not delivered; retrying');
      await queue.reschedule({ ...delivery, attempts }, dueAt);
    } catch (error) {
      // The queue's store did not answer: the delivery reappears when its hiding time passes.
      log.warn({ err: String(error) }, 'webhook: could not record the attempt');
    }
  }

  /** The answer's status, or what went wrong instead ('timeout', 'error'). */
  private async post(delivery: Delivery): Promise<number | 'timeout' | 'error'> {
    const { url } = this.options.config;
    try {
      const response = await this.dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers: signedHeaders(this.signer, delivery, new Date()),
        body: delivery.body,
        headersTimeout: ATTEMPT_TIMEOUT_MS,
        bodyTimeout: ATTEMPT_TIMEOUT_MS,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      // The answer's body is not read: only its status counts, and a receiver may send anything.
      await response.body.dump().catch(() => undefined);
      return response.statusCode;
    } catch (error) {
      return (error as Error).name === 'TimeoutError' || /timeout/i.test((error as Error).name) ? 'timeout' : 'error';
    }
  }
}
