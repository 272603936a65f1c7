import { request } from 'undici';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { postGraphQL, scriptFault, startTestGateway, type TestGateway } from '../support/gateway';
import { CSV_HEADER, postMultipart, uploadParts } from '../support/upload-request';

const { catalogId, resourceId, definitionId, instances } = REVIEW_SEED;
const applying = { catalogId, resourceId, reviewDefinitionId: definitionId, reviewInstanceId: instances.applying };

const REVIEWS = `query Reviews($first: Int, $after: String, $filter: AccessReviewFilter) {
  accessReviews(catalogId: "${catalogId}", resourceId: "${resourceId}", first: $first, after: $after, filter: $filter) {
    edges { cursor node { id reviewDefinitionId displayName status startDateTime uploadDeadline needsUpload uploadSession { id isUploadDone } } }
    pageInfo { hasNextPage endCursor } } }`;
const DECISIONS = `query Decisions($input: AccessReviewDecisionsInput!, $first: Int, $after: String) {
  accessReviewDecisions(input: $input, first: $first, after: $after) {
    edges { node { id decision applyResult applyDescription principal { id displayName } permission { id displayName } scopeId customData reviewedBy { displayName } justification } }
    pageInfo { hasNextPage endCursor } totalCount } }`;
const APPLY = `mutation Apply($input: ApplyAccessReviewDecisionsInput!) { applyAccessReviewDecisions(input: $input) { reviewInstanceId accepted } }`;
const RECORD = `mutation Record($input: RecordAccessReviewDecisionAppliedInput!) {
  recordAccessReviewDecisionApplied(input: $input) { id decision applyResult applyDescription } }`;

interface Edge<T> {
  cursor: string;
  node: T;
}
type Instance = { id: string; status: string; needsUpload: boolean; uploadDeadline: string | null; uploadSession: { id: string; isUploadDone: boolean } | null };
type Decision = { id: string; decision: string; applyResult: string };

async function emulator(gateway: TestGateway, method: string, path: string, body?: unknown): Promise<{ value?: { method: string; path: string; status: number }[] }> {
  const response = await request(new URL(path, gateway.emulatorUrl), { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.statusCode >= 300) throw new Error(`the emulator answered ${response.statusCode}: ${await response.body.text()}`);
  return response.statusCode === 204 ? {} : ((await response.body.json()) as { value?: { method: string; path: string; status: number }[] });
}

/** The Graph requests the emulator answered since the last call, as `METHOD path`. */
async function graphRequests(gateway: TestGateway): Promise<string[]> {
  const { value = [] } = await emulator(gateway, 'GET', '/_emulator/requests');
  await emulator(gateway, 'DELETE', '/_emulator/requests');
  return value.map((entry) => `${entry.method} ${entry.path}`);
}

async function listAll(gateway: TestGateway, variables: Record<string, unknown>): Promise<Edge<Instance>[]> {
  const edges: Edge<Instance>[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const answer = await postGraphQL(gateway.url, REVIEWS, { ...variables, after });
    expect(answer.body.errors).toBeUndefined();
    const connection = answer.body.data!.accessReviews as { edges: Edge<Instance>[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    edges.push(...connection.edges);
    if (!connection.pageInfo.hasNextPage) return edges;
    after = connection.pageInfo.endCursor;
  }
  throw new Error('more than 20 pages');
}

async function decisions(gateway: TestGateway, input: Record<string, unknown>, first = 50): Promise<Decision[]> {
  const answer = await postGraphQL(gateway.url, DECISIONS, { input, first });
  expect(answer.body.errors).toBeUndefined();
  return (answer.body.data!.accessReviewDecisions as { edges: Edge<Decision>[] }).edges.map(({ node }) => node);
}

describe.each(['v1.0', 'beta'] as const)('the review loop on %s', (version) => {
  let gateway: TestGateway;
  beforeEach(async () => {
    gateway = await startTestGateway({}, {}, { version });
  });
  afterEach(() => gateway.stop());

  it('lists the catalog’s instances newest first, the upload window, and what needs data: one page of 20 in three Graph requests', async () => {
    await graphRequests(gateway);
    const edges = await listAll(gateway, { first: 20 });
    expect(edges.map(({ node }) => node.id)).toEqual([instances.initializing, instances.inProgress, instances.applying, instances.applied]);
    expect(edges.map(({ node }) => node.status)).toEqual(['INITIALIZING', 'IN_PROGRESS', 'APPLYING', 'APPLIED']);
    const [initializing] = edges;
    expect(initializing!.node).toMatchObject({ needsUpload: true, uploadSession: null, displayName: 'Building A access review', reviewDefinitionId: definitionId });
    expect(Date.parse(initializing!.node.uploadDeadline!) - Date.now()).toBeGreaterThan(60 * 60 * 1000);
    expect(edges.slice(1).every(({ node }) => !node.needsUpload && node.uploadDeadline === null)).toBe(true);
    // The definitions (one page), the one catalog definition's instances, the resource's sessions.
    const calls = await graphRequests(gateway);
    expect(calls.filter((line) => line.includes('/definitions') && !line.includes('/instances'))).toHaveLength(1);
    expect(calls.filter((line) => line.includes('/instances'))).toHaveLength(1);
    expect(calls.filter((line) => line.includes('/uploadSessions'))).toHaveLength(1);
    expect(calls).toHaveLength(3);
  });

  it('pages through Graph’s pages of 2 with opaque cursors, in order, and filters on needsUpload', async () => {
    await emulator(gateway, 'PUT', '/_emulator/reviews/paging', { maxPageSize: 2 });
    const edges = await listAll(gateway, { first: 3 });
    expect(edges.map(({ node }) => node.id)).toEqual([instances.initializing, instances.inProgress, instances.applying, instances.applied]);
    expect((await listAll(gateway, { first: 20, filter: { needsUpload: true } })).map(({ node }) => node.id)).toEqual([instances.initializing]);
    const denied = [];
    let after: string | null = null;
    do {
      const answer = await postGraphQL(gateway.url, DECISIONS, { input: { ...applying, decision: 'DENY' }, first: 1, after });
      const connection = answer.body.data!.accessReviewDecisions as { edges: Edge<Decision>[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      denied.push(...connection.edges.map(({ node }) => node.id));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after !== null);
    expect(denied).toEqual(['de000031-3b88-4c0a-8bb3-68ba8162beff', 'de000034-3b88-4c0a-8bb3-68ba8162beff']);
  });

  it('lists the resource’s Deny decisions with what the frontend shows, never another resource’s', async () => {
    const answer = await postGraphQL(gateway.url, DECISIONS, { input: { ...applying, decision: 'DENY' } });
    const connection = answer.body.data!.accessReviewDecisions as { edges: Edge<Record<string, unknown>>[]; totalCount: number };
    expect(connection.totalCount).toBe(2);
    expect(connection.edges[0]!.node).toMatchObject({
      id: 'de000031-3b88-4c0a-8bb3-68ba8162beff',
      decision: 'DENY',
      applyResult: 'NEW',
      principal: { displayName: 'Adele Vance' },
      permission: { displayName: 'All floors' },
      scopeId: 'building-a',
      customData: '{"site":"HQ"}',
      reviewedBy: { displayName: 'Megan Bowen' },
      justification: 'Left the project in October',
    });
    const all = await decisions(gateway, applying);
    expect(all).toHaveLength(4);
    expect(all.map(({ id }) => id)).not.toContain('de000035-3b88-4c0a-8bb3-68ba8162beff');
  });

  it('no confused deputy: another catalog’s review, whose decisions carry this resource’s id, is FORBIDDEN with no decision read and nothing written', async () => {
    const foreign = { catalogId, resourceId, reviewDefinitionId: REVIEW_SEED.otherDefinitionId, reviewInstanceId: REVIEW_SEED.otherInstanceId };
    await graphRequests(gateway);
    const answers = [
      await postGraphQL(gateway.url, DECISIONS, { input: foreign }),
      await postGraphQL(gateway.url, APPLY, { input: { ...foreign, applyResult: 'APPLIED_SUCCESSFULLY' } }),
      await postGraphQL(gateway.url, RECORD, { input: { ...foreign, decisionId: 'de000051-3b88-4c0a-8bb3-68ba8162beff', applyResult: 'APPLIED_SUCCESSFULLY' } }),
    ];
    expect(answers.map((answer) => answer.body.errors?.[0]?.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    const calls = await graphRequests(gateway);
    expect(calls.some((line) => line.includes('/decisions') || line.startsWith('POST') || line.startsWith('PATCH'))).toBe(false);
    // Its own definition with the other catalog's instance: not that definition's instance.
    const mixed = await postGraphQL(gateway.url, DECISIONS, { input: { ...applying, reviewInstanceId: REVIEW_SEED.otherInstanceId } });
    expect(mixed.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphRequests(gateway)).some((line) => line.includes('/decisions'))).toBe(false);
  });

  it('a Graph 403 on decisions is FORBIDDEN naming AccessReview.Read.All', async () => {
    await scriptFault(gateway, { method: 'GET', path: '/decisions', status: 403 });
    const answer = await postGraphQL(gateway.url, DECISIONS, { input: applying });
    expect(answer.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', graph: { status: 403 } } });
    expect(answer.body.errors?.[0]?.message).toContain('AccessReview.Read.All');
  });

  it('applies one result to the resource’s decisions through a 429 and a lost answer: one effect, one success each', async () => {
    await scriptFault(gateway, { method: 'POST', path: 'batchApply', status: 429, retryAfter: '0', times: 1 });
    const other = await postGraphQL(gateway.url, APPLY, { input: { ...applying, resourceId: REVIEW_SEED.otherResourceId, applyResult: 'APPLIED_SUCCESSFULLY' } });
    expect(other.body).toEqual({ data: { applyAccessReviewDecisions: { reviewInstanceId: instances.applying, accepted: true } } });
    // This apply completes the instance; its answer is lost, the retry is refused, the decisions show it landed.
    await scriptFault(gateway, { method: 'POST', path: 'batchApply', reset: 'after', times: 1 });
    const mine = await postGraphQL(gateway.url, APPLY, { input: { ...applying, applyResult: 'APPLIED_SUCCESSFULLY', applyDescription: 'Badges disabled' } });
    expect(mine.body).toEqual({ data: { applyAccessReviewDecisions: { reviewInstanceId: instances.applying, accepted: true } } });
    expect((await decisions(gateway, applying)).every((decision) => decision.applyResult === 'APPLIED_SUCCESSFULLY')).toBe(true);
    const [applied] = (await listAll(gateway, { first: 20, filter: { status: 'APPLIED' } })).filter(({ node }) => node.id === instances.applying);
    expect(applied?.node.status).toBe('APPLIED');
  });

  it('records one decision’s result through a lost answer and a 429, and answers the decision as it now is', async () => {
    await scriptFault(gateway, { method: 'PATCH', path: '/decisions/', reset: 'after', times: 1 });
    await scriptFault(gateway, { method: 'PATCH', path: '/decisions/', status: 429, retryAfter: '0', times: 1 });
    await graphRequests(gateway);
    const decisionId = 'de000034-3b88-4c0a-8bb3-68ba8162beff';
    const answer = await postGraphQL(gateway.url, RECORD, { input: { ...applying, decisionId, applyResult: 'APPLIED_WITH_UNKNOWN_FAILURE', applyDescription: 'Badge reader offline' } });
    expect(answer.body).toEqual({
      data: { recordAccessReviewDecisionApplied: { id: decisionId, decision: 'DENY', applyResult: 'APPLIED_WITH_UNKNOWN_FAILURE', applyDescription: 'Badge reader offline' } },
    });
    // The lost answer, the 429, the PATCH that answered: the same result written, one effect.
    expect((await graphRequests(gateway)).filter((line) => line.startsWith('PATCH'))).toHaveLength(3);
    // Another resource's decision in the same review is not this owner's to record.
    const other = await postGraphQL(gateway.url, RECORD, { input: { ...applying, decisionId: 'de000035-3b88-4c0a-8bb3-68ba8162beff', applyResult: 'APPLIED_SUCCESSFULLY' } });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const left = await decisions(gateway, { ...applying, resourceId: REVIEW_SEED.otherResourceId });
    expect(left.find((decision) => decision.id === 'de000035-3b88-4c0a-8bb3-68ba8162beff')?.applyResult).toBe('NEW');
  });

  it('an instance that is not APPLYING is Graph’s refusal, asked once', async () => {
    await graphRequests(gateway);
    const answer = await postGraphQL(gateway.url, APPLY, { input: { ...applying, reviewInstanceId: instances.inProgress, applyResult: 'APPLIED_SUCCESSFULLY' } });
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', graph: { status: 409, code: 'AccessReviewInstanceNotApplying' } });
    expect((await graphRequests(gateway)).filter((line) => line.startsWith('POST'))).toHaveLength(1);
  });

  it('the whole loop: data uploaded, a reviewer denies, the owner records each removal (the last one’s answer lost), the review is APPLIED', async () => {
    const review = { catalogId, resourceId, reviewDefinitionId: definitionId, reviewInstanceId: instances.initializing };
    const created = await postGraphQL(gateway.url, `mutation C($input: CreateUploadSessionInput!) { createUploadSession(input: $input) { id } }`, { input: review });
    const uploadSessionId = (created.body.data!.createUploadSession as { id: string }).id;
    const session = { catalogId, resourceId, uploadSessionId };
    const row = (user: string, permission: string) => `${user},EntraIdUser,${permission},${permission} access,Badge access,BadgeAccess\r\n`;
    const csv = CSV_HEADER + row('e1000001-3b88-4c0a-8bb3-68ba8162beff', 'floors') + row('e1000002-3b88-4c0a-8bb3-68ba8162beff', 'lobby');
    expect((await postMultipart(gateway.url, uploadParts(session, [csv]))).body.errors).toBeUndefined();
    await postGraphQL(gateway.url, `mutation { completeUploadSession(input: {catalogId: "${catalogId}", resourceId: "${resourceId}", uploadSessionId: "${uploadSessionId}"}) { id } }`);
    const [waiting] = await listAll(gateway, { first: 1 });
    expect(waiting!.node).toMatchObject({ id: instances.initializing, needsUpload: false, uploadSession: { id: uploadSessionId, isUploadDone: true } });

    await emulator(gateway, 'POST', `/_emulator/reviews/instances/${instances.initializing}/advance`);
    await emulator(gateway, 'POST', `/_emulator/reviews/instances/${instances.initializing}/review`, { decision: 'Deny', justification: 'Left' });
    await emulator(gateway, 'POST', `/_emulator/reviews/instances/${instances.initializing}/advance`);
    const denied = await decisions(gateway, { ...review, decision: 'DENY', applyResult: 'NEW' });
    expect(denied).toHaveLength(2);
    for (const decision of denied) {
      // The last result moves the instance on to Applied, which takes no more: its answer is lost, the retry is
      // refused, and the decision read back carries the result, so the owner sees a success.
      if (decision === denied.at(-1)) await scriptFault(gateway, { method: 'PATCH', path: '/decisions/', reset: 'after', times: 1 });
      const recorded = await postGraphQL(gateway.url, RECORD, { input: { ...review, decisionId: decision.id, applyResult: 'APPLIED_SUCCESSFULLY', applyDescription: 'Badge disabled' } });
      expect(recorded.body.data!.recordAccessReviewDecisionApplied).toEqual({ id: decision.id, decision: 'DENY', applyResult: 'APPLIED_SUCCESSFULLY', applyDescription: 'Badge disabled' });
    }
    const [done] = await listAll(gateway, { first: 1 });
    expect(done!.node).toMatchObject({ id: instances.initializing, status: 'APPLIED' });
  });
});
