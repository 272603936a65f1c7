import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric the gateway exports, on a registry of its own (several gateways can share a process in tests). */
export class Metrics {
  readonly registry = new Registry();

  readonly operations = new Counter({
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

  readonly graphRequests = new Counter({
    name: 'gateway_graph_requests_total',
    help: 'Graph attempts made, by HTTP method and status ("error" when no answer came).',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });

  readonly graphDuration = new Histogram({
    name: 'gateway_graph_request_duration_seconds',
    help: 'Time of one Graph attempt, by HTTP method and status ("error" when no answer came).',
    labelNames: ['method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly graphRetries = new Counter({
    name: 'gateway_graph_retries_total',
    help: 'Graph attempts retried, by reason (status code, network or timeout).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly graphThrottles = new Counter({
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

  readonly graphInFlight = new Gauge({
    name: 'gateway_graph_requests_in_flight',
    help: 'Graph attempts on the wire now, per Graph host.',
    labelNames: ['host'] as const,
    registers: [this.registry],
  });

  constructor({ defaultMetrics = true } = {}) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
