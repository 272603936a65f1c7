import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics';

const PAUSES_CHANNEL = 'upload-session-gateway:pauses';

/** A message on the pauses channel: `<sender> <scope hash> <milliseconds>`. */
const PAUSE_MESSAGE = /^(\S+) ([\w-]+) (\d+)$/;

export interface RedisStateOptions {
  /** REDIS_URL, credentials included. */
  url: string;
  /** For log lines: scheme, host and port only. */
  host: string;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Reconnection never gives up; the waits grow to 2 s, so a Redis back from a restart is shared again
 * within seconds.
 */
const retryStrategy = (times: number) => Math.min(times * 200, 2_000);

/**
 * The replicas' shared state on Redis, kept off the request's path: a request never waits for Redis to
 * come back. Commands sent while it is unreachable fail at once (no offline queue, nothing resent after
 * a reconnect), a reply slower than half a second counts as a failure, and the callers of this class then
 * use their own memory. Pauses travel by pub/sub on a second connection (a subscribed connection runs
 * no other commands), subscribed again each time it is ready.
 */
export class RedisState {
  /** For commands: the caller counts, and publishing pauses. */
  readonly commands: Redis;
  private readonly subscriber: Redis;
  /** Tells this process's own messages apart: Redis delivers them to their sender too. */
  private readonly sender = randomUUID();
  private state: 'starting' | 'up' | 'down' = 'starting';
  private commandsReady = false;
  private subscribed = false;
  private closing = false;
  /** The channels the subscriber connection listens on: the pauses', and any a feature adds (listen()). */
  private readonly channels = new Set([PAUSES_CHANNEL]);

  constructor(private readonly options: RedisStateOptions) {
    const common: RedisOptions = { retryStrategy, connectTimeout: 2_000, autoResubscribe: false, lazyConnect: true };
    this.commands = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: 500,
      connectionName: 'gateway-commands',
    });
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: false, connectionName: 'gateway-pauses' });
    options.metrics.sharedStateUp.set(0);

    this.commands.on('ready', () => this.update(() => (this.commandsReady = true)));
    this.commands.on('close', () => this.update(() => (this.commandsReady = false), true));
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(...this.channels).then(
        () => this.update(() => (this.subscribed = true)),
        () => this.subscriber.disconnect(true), // try again on a new connection
      );
    });
    this.subscriber.on('close', () => this.update(() => (this.subscribed = false), true));
    // Each failed attempt emits an error; the state change is what gets logged, once.
    for (const connection of [this.commands, this.subscriber]) connection.on('error', () => this.update(() => undefined, true));
  }

  /** Starts connecting; resolves at once, whether Redis is there or not. */
  start(): void {
    for (const connection of [this.commands, this.subscriber]) connection.connect().catch(() => undefined);
  }

  /** Tells the other replicas; lost when Redis is away (each replica then learns from Graph itself). */
  publish(scope: string, pauseMs: number): void {
    if (!this.commandsReady) return;
    this.commands.publish(PAUSES_CHANNEL, `${this.sender} ${scope} ${Math.ceil(pauseMs)}`).catch(() => undefined);
  }

  /** Calls `listener` for each pause another replica publishes. */
  onPause(listener: (scope: string, pauseMs: number) => void): void {
    this.subscriber.on('message', (channel: string, message: string) => {
      const parsed = channel === PAUSES_CHANNEL ? PAUSE_MESSAGE.exec(message) : null;
      if (parsed && parsed[1] !== this.sender) listener(parsed[2]!, Number(parsed[3]));
    });
  }

  /**
   * Calls `listener` with every message on `channel` (any replica's, this one's included). The channel joins the
   * ones subscribed at each (re)connection, and now when the subscriber is already up: a listener added after
   * the connection came up must not wait for the next reconnection to hear anything.
   */
  listen(channel: string, listener: (message: string) => void): void {
    this.channels.add(channel);
    if (this.subscribed) this.subscriber.subscribe(channel).catch(() => this.subscriber.disconnect(true));
    this.subscriber.on('message', (from: string, message: string) => {
      if (from === channel) listener(message);
    });
  }

  /** Both connections are up: commands reach Redis and this replica hears what is published. */
  get up(): boolean {
    return this.commandsReady && this.subscribed;
  }

  close(): void {
    this.closing = true;
    for (const connection of [this.commands, this.subscriber]) connection.disconnect(false);
  }

  /** `failed`: a connection attempt failed or a connection closed. */
  private update(change: () => void, failed = false): void {
    change();
    if (this.closing) return;
    const up = this.commandsReady && this.subscribed;
    if (up && this.state !== 'up') {
      this.state = 'up';
      this.options.metrics.sharedStateUp.set(1);
      this.options.logger.info({ redis: this.options.host }, 'shared state: Redis reachable; pauses and caller counts are shared with the other replicas');
    } else if (!up && this.state === 'up') {
      this.state = 'down';
      this.options.metrics.sharedStateUp.set(0);
      this.options.logger.warn({ redis: this.options.host }, 'shared state: Redis unreachable; this process keeps pauses and caller counts in its own memory until it is back');
    } else if (!up && this.state === 'starting' && failed) {
      this.state = 'down';
      this.options.logger.warn({ redis: this.options.host }, 'shared state: Redis unreachable at start; this process keeps pauses and caller counts in its own memory until it is reachable');
    }
  }
}
