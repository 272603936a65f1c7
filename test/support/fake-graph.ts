import pino from 'pino';
import { MockAgent } from 'undici';
import { GraphClient, type GraphCall } from '../../src/graph/graph-client';
import { GraphGuard } from '../../src/graph/transport/graph-guard';
import { Metrics } from '../../src/metrics';

export interface FakeRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  url: URL;
  headers: Record<string, string>;
  json: unknown;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Answers a request, or throws to drop the connection (a lost answer). */
export type FakeRoute = (request: FakeRequest) => FakeAnswer;

/**
 * undici's MockAgent as one Graph at https://graph.test, every request routed through `route` and
 * recorded in `seen` (`METHOD path`), for unit tests of the Graph client's paths, bodies and retries.
 */
export class FakeGraph {
  readonly agent = new MockAgent();
  readonly seen: FakeRequest[] = [];

  constructor(route: FakeRoute) {
    this.agent.disableNetConnect();
    this.agent
      .get('https://graph.test')
      .intercept({ path: () => true, method: () => true })
      .reply((options) => {
        const url = new URL(options.path, 'https://graph.test');
        const headers = Object.fromEntries(Object.entries((options.headers ?? {}) as Record<string, string>).map(([name, value]) => [name.toLowerCase(), String(value)]));
        const request = { method: options.method, path: options.path, url, headers, json: options.body ? JSON.parse(String(options.body)) : undefined };
        this.seen.push(request);
        const answer = route(request);
        return {
          statusCode: answer.status,
          data: answer.body === undefined ? '' : JSON.stringify(answer.body),
          responseOptions: { headers: { 'content-type': 'application/json', ...answer.headers } },
        };
      })
      .persist();
  }

  /** `METHOD path` of every request, in order. */
  lines(): string[] {
    return this.seen.map((request) => `${request.method} ${decodeURIComponent(request.path)}`);
  }

  client(version: 'beta' | 'v1.0'): GraphClient {
    const metrics = new Metrics({ defaultMetrics: false });
    const guard = new GraphGuard({ host: 'graph.test', maxConcurrency: 8, maxQueue: 8, breakerFailures: 100, breakerHalfOpenAfterMs: 1000, metrics });
    return new GraphClient({
      baseUrl: new URL(`https://graph.test/${version}`),
      dispatcher: this.agent,
      guard,
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, random: () => 0.5 },
      attemptTimeoutMs: 1000,
      metrics,
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

export function fakeCall(): GraphCall {
  return { authorization: async () => 'Bearer t', signal: new AbortController().signal, deadline: Date.now() + 5_000, log: pino({ level: 'silent' }) };
}

/** A lost answer: the connection drops before Graph's answer arrives. */
export function dropConnection(): never {
  throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** The ids the review tests share: the seeded catalog and resource, and another catalog. */
export const REVIEW_IDS = {
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  otherCatalogId: 'c2000000-3b88-4c0a-8bb3-68ba8162beff',
} as const;
