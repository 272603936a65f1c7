import { postGraphQL, SEED, startTestGateway, type TestGateway } from './gateway';

/** The gateway under Graph's faults (test/integration/graph-faults*.test.ts): its calls and a gateway per test. */

export const COMPLETE = `mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id status isUploadDone } }`;
export const READ = `query Read($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!) {
  uploadSession(catalogId: $catalogId, resourceId: $resourceId, uploadSessionId: $uploadSessionId) { id status } }`;
const FAST_BACKOFF = { GRAPH_RETRY_BASE_MS: '5', GRAPH_RETRY_MAX_MS: '20' };

/** `start(env)` starts a gateway with fast retries (and `env`) on its own emulator; each is stopped after its test. */
export function gatewayPerTest(): (env?: Record<string, string>) => Promise<TestGateway> {
  let t: TestGateway | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });
  return async (env = {}) => {
    t = await startTestGateway({ ...FAST_BACKOFF, ...env });
    return t;
  };
}

export const complete = (gateway: TestGateway, input: object = SEED) => postGraphQL(gateway.url, COMPLETE, { input });
