import { MockAgent } from 'undici';
import { GraphClient } from '../../src/graph/graph-client';
import { parseGuids, parseResourceKey, parseSessionKey } from '../../src/graph/odata/ids';
import { parsePageSize } from '../../src/graph/odata/paging';
import { GraphGuard } from '../../src/graph/transport/graph-guard';
import { Metrics } from '../../src/metrics';

/** One resource, session and review, their paths on both versions, and the session Graph answers a create with. */
export const resource = parseResourceKey({ catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff', resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff' });
export const key = parseSessionKey({ ...resource, uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44' });
export const review = parseGuids({ reviewDefinitionId: 'd0c9c0b4-9a6e-4b8d-9c3c-7c2f3c1b1a11', reviewInstanceId: 'f0c9c0b4-9a6e-4b8d-9c3c-7c2f3c1b1a11' });
export const two = parsePageSize(2);
export const BETA = '/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/73eb2497-3b88-4c0a-8bb3-68ba8162beff/accessPackageResources/99ab2454-3b88-4c0a-8bb3-68ba8162beff/uploadSessions';
export const V1 = '/v1.0/identityGovernance/entitlementManagement/catalogs/73eb2497-3b88-4c0a-8bb3-68ba8162beff/resources/99ab2454-3b88-4c0a-8bb3-68ba8162beff/uploadSessions';
export const json = { headers: { 'content-type': 'application/json' } };
export const created = {
  '@odata.type': '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession',
  id: key.uploadSessionId,
  createdDateTime: '2026-07-01T10:00:00.1234567Z',
  isUploadDone: false,
  referenceId: review.reviewInstanceId,
  status: 'active',
  stats: { filesUploaded: 0, totalBytesUploaded: 0 },
  files: [],
  data: { '@odata.type': '#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData', ...review },
};
export const referenceFilter = `$filter=${encodeURIComponent(`referenceId eq '${review.reviewInstanceId}'`)}`;

/**
 * undici's MockAgent as Graph at https://graph.test, fresh for each test of the file that calls this (its own
 * beforeEach and afterEach): `on` sets an answer, `recorded` wraps one so that `seen` lists it as `METHOD path`.
 */
export function mockGraphPerTest() {
  const state = { agent: new MockAgent(), metrics: new Metrics({ defaultMetrics: false }), seen: [] as string[] };
  beforeEach(() => {
    state.agent = new MockAgent();
    state.agent.disableNetConnect();
    state.metrics = new Metrics({ defaultMetrics: false });
    state.seen = [];
  });
  afterEach(async () => {
    await state.agent.close();
  });
  return {
    get agent(): MockAgent {
      return state.agent;
    },
    /** Every request answered through `recorded`, in order, as `METHOD path`. */
    get seen(): string[] {
      return state.seen;
    },
    on(method: string, path: string | RegExp) {
      return state.agent.get('https://graph.test').intercept({ method, path: (actual: string) => (typeof path === 'string' ? actual === path : path.test(actual)) });
    },
    recorded<T>(reply: T) {
      return (options: { method: string; path: string }) => {
        state.seen.push(`${options.method} ${options.path}`);
        return reply;
      };
    },
    clientFor(baseUrl: string): GraphClient {
      const { agent, metrics } = state;
      const guard = new GraphGuard({ host: 'graph.test', maxConcurrency: 4, maxQueue: 4, breakerFailures: 100, breakerHalfOpenAfterMs: 1000, metrics });
      return new GraphClient({
        baseUrl: new URL(baseUrl),
        dispatcher: agent,
        guard,
        retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, random: () => 0.5 },
        attemptTimeoutMs: 1000,
        metrics,
      });
    },
  };
}

/** The error a promise rejects with (a test fails if it fulfils). */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}
