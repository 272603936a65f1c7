import 'reflect-metadata';
import { request } from 'undici';
import { loadConfig } from '../../src/config';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { startGateway, type Gateway } from '../../src/gateway';
import { createLogger } from '../../src/logger';
import { postGraphQL, startTestGateway, type GraphQLAnswer, type TestGateway } from '../support/gateway';

// "Safe to retry" for the caller too (contract, the review loop): a caller whose answer was lost sends the same
// request again, to another replica. The result landed the first time, and the instance may have moved on to
// APPLIED, which takes no more results: the second answer is the same success, and nothing lands twice.

const { catalogId, resourceId, otherResourceId, definitionId, instances } = REVIEW_SEED;
const applying = { catalogId, resourceId, reviewDefinitionId: definitionId, reviewInstanceId: instances.applying };
const inProgress = { ...applying, reviewInstanceId: instances.inProgress };
const LAST_DENIAL = 'de000034-3b88-4c0a-8bb3-68ba8162beff';

const APPLY = `mutation Apply($input: ApplyAccessReviewDecisionsInput!) { applyAccessReviewDecisions(input: $input) { reviewInstanceId accepted } }`;
const RECORD = `mutation Record($input: RecordAccessReviewDecisionAppliedInput!) {
  recordAccessReviewDecisionApplied(input: $input) { id decision applyResult applyDescription } }`;
const DECISIONS = `query Decisions($input: AccessReviewDecisionsInput!) {
  accessReviewDecisions(input: $input, first: 50) { edges { node { id applyResult applyDescription } } } }`;
const STATUS = `query { accessReviews(catalogId: "${catalogId}", resourceId: "${resourceId}", first: 20) { edges { node { id status } } } }`;

type Logged = { method: string; path: string; status: number };

async function control(gateway: TestGateway, method: string, path: string, body?: unknown): Promise<{ value?: Logged[] }> {
  const response = await request(new URL(path, gateway.emulatorUrl), { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.statusCode >= 300) throw new Error(`the emulator answered ${response.statusCode}: ${await response.body.text()}`);
  return response.statusCode === 204 ? {} : ((await response.body.json()) as { value?: Logged[] });
}

/** The Graph requests the emulator answered since the last call, as `METHOD path status`. */
async function graphRequests(gateway: TestGateway): Promise<string[]> {
  const { value = [] } = await control(gateway, 'GET', '/_emulator/requests');
  await control(gateway, 'DELETE', '/_emulator/requests');
  return value.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}

/** Another replica: a gateway of its own (no state shared with the first but Graph), pointed at the same emulator. */
async function freshGateway(first: TestGateway): Promise<Gateway> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', GRAPH_BASE_URL: first.emulatorUrl.href, LOG_LEVEL: 'silent' });
  return startGateway(config, createLogger(config.observability.logLevel));
}

async function instanceStatus(gateway: TestGateway, id: string): Promise<string | undefined> {
  const answer = await postGraphQL(gateway.url, STATUS);
  return (answer.body.data!.accessReviews as { edges: { node: { id: string; status: string } }[] }).edges.find(({ node }) => node.id === id)?.node.status;
}

async function decisionsOf(gateway: TestGateway, input: Record<string, unknown>) {
  const answer = await postGraphQL(gateway.url, DECISIONS, { input });
  return (answer.body.data!.accessReviewDecisions as { edges: { node: { id: string; applyResult: string; applyDescription: string | null } }[] }).edges.map(({ node }) => node);
}

const errorOf = (answer: GraphQLAnswer) => answer.body.errors?.[0]?.extensions;

describe.each(['v1.0', 'beta'] as const)('a caller’s retry of a review write on %s', (version) => {
  let gateway: TestGateway;
  let replica: Gateway;
  beforeEach(async () => {
    gateway = await startTestGateway({}, {}, { version });
    replica = await freshGateway(gateway);
  });
  afterEach(async () => {
    await replica.stop();
    await gateway.stop();
  });

  it('an apply sent twice, the second time to a fresh gateway after it moved the instance to APPLIED: accepted both times, one effect', async () => {
    const other = await postGraphQL(gateway.url, APPLY, { input: { ...applying, resourceId: otherResourceId, applyResult: 'APPLIED_SUCCESSFULLY' } });
    expect(other.body.errors).toBeUndefined();
    await graphRequests(gateway);
    const input = { ...applying, applyResult: 'APPLIED_SUCCESSFULLY', applyDescription: 'Badges disabled' };
    const accepted = { data: { applyAccessReviewDecisions: { reviewInstanceId: instances.applying, accepted: true } } };
    expect((await postGraphQL(gateway.url, APPLY, { input })).body).toEqual(accepted);
    expect(await instanceStatus(gateway, instances.applying)).toBe('APPLIED');
    await graphRequests(gateway);

    expect((await postGraphQL(replica.url, APPLY, { input })).body).toEqual(accepted);
    // Graph refused the second apply (the instance takes no more results): nothing landed twice.
    const posts = (await graphRequests(gateway)).filter((line) => line.startsWith('POST'));
    expect(posts).toEqual([expect.stringMatching(/batchApplyCustomDataProvidedResourceDecisions 409$/)]);
    const mine = await decisionsOf(gateway, applying);
    expect(mine).toHaveLength(4);
    expect(mine.every((decision) => decision.applyResult === 'APPLIED_SUCCESSFULLY' && decision.applyDescription === 'Badges disabled')).toBe(true);
  });

  it('the last denial’s record sent twice, the second time to a fresh gateway: the decision both times; another description is still CONFLICT', async () => {
    await postGraphQL(gateway.url, APPLY, { input: { ...applying, resourceId: otherResourceId, applyResult: 'APPLIED_SUCCESSFULLY' } });
    for (const decisionId of ['de000031-3b88-4c0a-8bb3-68ba8162beff', 'de000033-3b88-4c0a-8bb3-68ba8162beff']) {
      const recorded = await postGraphQL(gateway.url, RECORD, { input: { ...applying, decisionId, applyResult: 'APPLIED_SUCCESSFULLY' } });
      expect(recorded.body.errors).toBeUndefined();
    }
    const input = { ...applying, decisionId: LAST_DENIAL, applyResult: 'APPLIED_SUCCESSFULLY', applyDescription: 'Badge disabled' };
    const decision = { data: { recordAccessReviewDecisionApplied: { id: LAST_DENIAL, decision: 'DENY', applyResult: 'APPLIED_SUCCESSFULLY', applyDescription: 'Badge disabled' } } };
    expect((await postGraphQL(gateway.url, RECORD, { input })).body).toEqual(decision);
    expect(await instanceStatus(gateway, instances.applying)).toBe('APPLIED');
    await graphRequests(gateway);

    expect((await postGraphQL(replica.url, RECORD, { input })).body).toEqual(decision);
    expect((await graphRequests(gateway)).filter((line) => line.startsWith('PATCH'))).toEqual([expect.stringMatching(/ 409$/)]);
    // What the decision carries is not what this request asks for: it did not land, and the refusal stands.
    const changed = await postGraphQL(replica.url, RECORD, { input: { ...input, applyDescription: 'Badge collected' } });
    expect(errorOf(changed)).toMatchObject({ code: 'CONFLICT', graph: { status: 409, code: 'AccessReviewInstanceNotApplying' } });
  });

  it('an IN_PROGRESS instance: apply and record are CONFLICT after its status is read, even where the decisions carry the result', async () => {
    await graphRequests(gateway);
    const apply = await postGraphQL(replica.url, APPLY, { input: { ...inProgress, applyResult: 'APPLIED_SUCCESSFULLY' } });
    const record = await postGraphQL(replica.url, RECORD, { input: { ...inProgress, decisionId: 'de000021-3b88-4c0a-8bb3-68ba8162beff', applyResult: 'APPLIED_SUCCESSFULLY' } });
    for (const answer of [apply, record]) {
      expect(errorOf(answer)).toMatchObject({ code: 'CONFLICT', graph: { status: 409, code: 'AccessReviewInstanceNotApplying' } });
      expect(answer.body.errors![0]!.message).toBe('The access review instance must be APPLYING to take apply results; it is IN_PROGRESS.');
    }
    const calls = await graphRequests(gateway);
    const instanceRead = (line: string) => line === `GET ${gateway.emulatorUrl.pathname}${version === 'v1.0' ? '/identityGovernance/accessReviews/unified' : '/identityGovernance/accessReviews'}/definitions/${definitionId}/instances/${instances.inProgress} 200`;
    // Each write: the instance read by the review check, and again after Graph's refusal; no decision counted.
    expect(calls.filter(instanceRead)).toHaveLength(4);
    expect(calls.filter((line) => line.startsWith('POST') || line.startsWith('PATCH'))).toHaveLength(2);
    expect(calls.some((line) => line.includes('/decisions ') && line.startsWith('GET'))).toBe(false);

    // The apply landed on the APPLYING instance; moved back to InProgress (the control API), the same apply is refused.
    const input = { ...applying, applyResult: 'APPLIED_SUCCESSFULLY' };
    expect((await postGraphQL(gateway.url, APPLY, { input })).body.errors).toBeUndefined();
    await control(gateway, 'PATCH', `/_emulator/reviews/instances/${instances.applying}`, { status: 'InProgress' });
    expect(errorOf(await postGraphQL(replica.url, APPLY, { input }))).toMatchObject({ code: 'CONFLICT', graph: { status: 409 } });
  });
});
