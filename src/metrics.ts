import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type CounterConfiguration, type LabelValues } from 'prom-client';

/** Every metric the gateway exports, on a registry of its own (several gateways can share a process in tests). */
export class Metrics {
  readonly registry = new Registry();

  readonly operations = new TalliedCounter({
    name: 'gateway_graphql_operations_total',
    help: 'GraphQL operations answered, by operation name and outcome code (OK when no error).',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });

  readonly operationDuration = new Histogram({
    name: 'gateway_graphql_operation_duration_seconds',
    help: 'Time to answer a GraphQL operation.',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly graphRequests = new TalliedCounter({
    name: 'gateway_graph_requests_total',
    help: 'Graph attempts made, by HTTP method and status ("error" when no answer came, "aborted_by_gateway" when the gateway stopped it).',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });

  readonly graphDuration = new Histogram({
    name: 'gateway_graph_request_duration_seconds',
    help: 'Time of one Graph attempt, by HTTP method and status (as gateway_graph_requests_total).',
    labelNames: ['method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly graphRetries = new TalliedCounter({
    name: 'gateway_graph_retries_total',
    help: 'Graph attempts retried, by reason (status code, network or timeout).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly graphThrottles = new TalliedCounter({
    name: 'gateway_graph_throttled_total',
    help: 'Graph answers of 429 Too Many Requests, retried or not.',
    registers: [this.registry],
  });

  readonly graphPauses = new Counter({
    name: 'gateway_graph_pauses_total',
    help: 'Throttling scopes paused: by a Graph answer to this process (graph) or to another replica (replica).',
    labelNames: ['origin'] as const,
    registers: [this.registry],
  });

  readonly sharedStateUp = new Gauge({
    name: 'gateway_shared_state_up',
    help: '1 while this process shares pauses and caller counts with the other replicas through Redis; 0 while it keeps them in its own memory.',
    registers: [this.registry],
  });

  readonly graphCircuitState = new Gauge({
    name: 'gateway_graph_circuit_state',
    help: 'Circuit breaker per Graph host: 0 closed, 1 open, 2 half-open.',
    labelNames: ['host'] as const,
    registers: [this.registry],
  });

  readonly graphInFlight = new InFlightGauge({
    name: 'gateway_graph_requests_in_flight',
    help: 'Graph attempts on the wire now, per Graph host.',
    registers: [this.registry],
  });

  constructor({ defaultMetrics = true } = {}) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}

/**
 * A counter whose counts wait in a map keyed by their label values and reach prom-client when the registry is
 * read (a scrape): prom-client hashes and validates the labels on every `inc`, which a request would otherwise pay
 * for each count it makes. A scrape reads the same totals.
 */
export class TalliedCounter<L extends string> {
  private readonly tallies = new Map<string, { labels: LabelValues<L>; count: number }>();
  private readonly labelNames: readonly L[];

  constructor(configuration: Omit<CounterConfiguration<L>, 'collect'>) {
    this.labelNames = configuration.labelNames ?? [];
    const tallies = this.tallies;
    new Counter<L>({
      ...configuration,
      collect() {
        for (const tally of tallies.values()) {
          if (tally.count === 0) continue;
          this.inc(tally.labels, tally.count);
          tally.count = 0;
        }
      },
    });
  }

  inc(labels: LabelValues<L> = {}, count = 1): void {
    let key = '';
    for (const name of this.labelNames) key += `${labels[name]}\u0000`;
    const tally = this.tallies.get(key);
    if (tally) tally.count += count;
    else this.tallies.set(key, { labels: { ...labels }, count });
  }
}

/** Attempts on the wire per host: a plain number per host, which prom-client's gauge takes when the registry is read. */
export class InFlightGauge {
  private readonly counts = new Map<string, { value: number }>();

  constructor(configuration: { name: string; help: string; registers: Registry[] }) {
    const counts = this.counts;
    new Gauge<'host'>({
      ...configuration,
      labelNames: ['host'],
      collect() {
        for (const [host, count] of counts) this.set({ host }, count.value);
      },
    });
  }

  /** The host's count, made once (at the guard's start) and then moved by each attempt. */
  labels({ host }: { host: string }): { inc(): void; dec(): void } {
    let count = this.counts.get(host);
    if (!count) this.counts.set(host, (count = { value: 0 }));
    const held = count;
    return {
      inc: () => void held.value++,
      dec: () => void held.value--,
    };
  }
}
