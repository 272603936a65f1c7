import { randomUUID } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { buildGatewaySchema } from '../../src/graphql/schema/schema';
import { buildSubgraph } from '../../src/graphql/schema/subgraph-schema';
import { Upload } from '../../src/upload/upload';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { BUDGET_ENV, control, fault, MAX_RETRIES, measure, sessionWithFiles, type Measured } from '../support/graph-call-count';
import { CSV_HEADER, postMultipart, uploadParts, UPLOAD_FILE } from '../support/upload-request';

/**
 * Each operation's worst case, through a real gateway against the emulator: the faults and data that make it
 * call Graph most (refusals, lost answers, Graph's longest pages), and Graph's calls counted from the
 * emulator's request log. No operation may call Graph more often than it declares to the Graph-call limit
 * (src/graphql/cost/graph-call-budgets.ts, counted as the limit counts it); the transport's retries repeat a
 * call and are bounded apart, by GRAPH_MAX_RETRIES.
 */

const gatewaySchema = buildGatewaySchema();
const seen: string[] = [];
let t: TestGateway;

async function start(env: Record<string, string> = {}): Promise<void> {
  t = await startTestGateway({ ...BUDGET_ENV, ...env }, {}, { version: 'v1.0' });
}

afterEach(() => t.stop());
afterAll(() => console.log(`Graph calls (seen / declared), worst cases:\n${seen.join('\n')}`));

/** Graph's calls no more than declared, and its requests, retries included, no more than the retries allow. */
function expectWithinBudget(name: string, { calls, attempts, declared }: Measured): void {
  seen.push(`  ${name}: ${calls} / ${declared} (${attempts} requests, retries included)`);
  // At least one call: a case refused before Graph (or not reaching it at all) would pass any budget.
  expect(calls).toBeGreaterThan(0);
  expect(calls).toBeLessThanOrEqual(declared);
  expect(attempts).toBeLessThanOrEqual(declared * (1 + MAX_RETRIES));
}

const SESSION = `query ($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!) {
  uploadSession(catalogId: $catalogId, resourceId: $resourceId, uploadSessionId: $uploadSessionId) { id files { name } } }`;
const SESSIONS = `query ($catalogId: ID!, $resourceId: ID!, $first: Int) {
  uploadSessions(catalogId: $catalogId, resourceId: $resourceId, first: $first) { totalCount edges { node { id files { name } } } } }`;
const CREATE = `mutation ($input: CreateUploadSessionInput!) { createUploadSession(input: $input) { id files { name } } }`;
const COMPLETE = `mutation ($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id isUploadDone files { name } } }`;
const DELETE = `mutation ($input: DeleteUploadSessionInput!) { deleteUploadSession(input: $input) { deletedUploadSessionId } }`;

describe('upload sessions', () => {
  beforeEach(() => start());

  it('uploadSession { files }: the session and its 2,500 files, Graph refusing nothing', async () => {
    const session = await sessionWithFiles(t, 2500);
    const measured = await measure(t, gatewaySchema, SESSION, session);
    expect((measured.answer.body.data?.uploadSession as { files: unknown[] }).files).toHaveLength(2500);
    expectWithinBudget('uploadSession { files }', measured);
  });

  it('uploadSession: Graph answering 503 to every attempt', async () => {
    const session = await sessionWithFiles(t, 1);
    await fault(t, { method: 'GET', status: 503 });
    expectWithinBudget('uploadSession (503)', await measure(t, gatewaySchema, SESSION, session));
  });

  it('uploadSessions(first: 20) { files }: a full page of sessions, each with 250 files', async () => {
    const { catalogId, resourceId } = await sessionWithFiles(t, 250);
    for (let i = 0; i < 20; i++) await control(t, 'POST', '/_emulator/sessions', { catalogId, resourceId, files: [{ name: `s${i}.csv`, size: 1 }] });
    const measured = await measure(t, gatewaySchema, SESSIONS, { catalogId, resourceId, first: 20 });
    expect(measured.answer.body.data?.uploadSessions).toMatchObject({ totalCount: 21 });
    expectWithinBudget('uploadSessions(first: 20) { files }', measured);
  });

  it('createUploadSession: every POST lost before Graph applied it (lookups find nothing)', async () => {
    const { catalogId, resourceId } = await sessionWithFiles(t, 0);
    await fault(t, { method: 'POST', path: '/uploadSessions', reset: 'before' });
    const input = { catalogId, resourceId, reviewDefinitionId: randomUUID(), reviewInstanceId: randomUUID() };
    expectWithinBudget('createUploadSession (POSTs lost)', await measure(t, gatewaySchema, CREATE, { input }));
  });

  it('createUploadSession: Graph answering 500 to every POST', async () => {
    const { catalogId, resourceId } = await sessionWithFiles(t, 0);
    await fault(t, { method: 'POST', path: '/uploadSessions', status: 500 });
    const input = { catalogId, resourceId, reviewDefinitionId: randomUUID(), reviewInstanceId: randomUUID() };
    expectWithinBudget('createUploadSession (500s)', await measure(t, gatewaySchema, CREATE, { input }));
  });

  it('createUploadSession: a 409, the pair already holding a session', async () => {
    const { catalogId, resourceId } = await sessionWithFiles(t, 0);
    const input = { catalogId, resourceId, reviewDefinitionId: randomUUID(), reviewInstanceId: randomUUID() };
    await measure(t, gatewaySchema, CREATE, { input });
    const measured = await measure(t, gatewaySchema, CREATE, { input });
    expect(measured.answer.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expectWithinBudget('createUploadSession (409)', measured);
  });

  it('completeUploadSession { files }: the answer lost, the retry refused, the session read', async () => {
    const session = await sessionWithFiles(t, 300);
    await fault(t, { method: 'PATCH', reset: 'after', times: 1 });
    const measured = await measure(t, gatewaySchema, COMPLETE, { input: session });
    expect(measured.faulted).toBeGreaterThan(0);
    expectWithinBudget('completeUploadSession { files } (answer lost)', measured);
  });

  it('completeUploadSession { files }: refused, the session already complete', async () => {
    const session = await sessionWithFiles(t, 300);
    await measure(t, gatewaySchema, COMPLETE, { input: session });
    expectWithinBudget('completeUploadSession { files } (again)', await measure(t, gatewaySchema, COMPLETE, { input: session }));
  });

  it('deleteUploadSession: every answer lost', async () => {
    const session = await sessionWithFiles(t, 1);
    await fault(t, { method: 'DELETE', reset: 'after' });
    expectWithinBudget('deleteUploadSession (answers lost)', await measure(t, gatewaySchema, DELETE, { input: session }));
  });

  it('uploadSessionFile { files }: into a session with 2,000 files (20 pages), the answer lost', async () => {
    const session = await sessionWithFiles(t, 2000);
    await fault(t, { path: '/uploadFile', reset: 'after' });
    const counting = { input: { ...session, file: new Upload(new Promise(() => undefined)) } };
    const send = () => postMultipart(t.url, uploadParts(session, [`${CSV_HEADER}u1,EntraIdUser,p1,Read,Reads,Role\r\n`]));
    const measured = await measure(t, gatewaySchema, UPLOAD_FILE, counting, send);
    expect(measured.faulted).toBe(1);
    expectWithinBudget('uploadSessionFile { files } (2,000 files, answer lost)', measured);
  });
});

const { catalogId, resourceId, definitionId, instances } = REVIEW_SEED;
const REVIEWS = `query ($first: Int) { accessReviews(catalogId: "${catalogId}", resourceId: "${resourceId}", first: $first) {
  edges { node { id needsUpload uploadSession { id isUploadDone } } } } }`;
const DECISIONS = `query ($input: AccessReviewDecisionsInput!, $first: Int) { accessReviewDecisions(input: $input, first: $first) { totalCount edges { node { id } } } }`;
const APPLY = `mutation ($input: ApplyAccessReviewDecisionsInput!) { applyAccessReviewDecisions(input: $input) { accepted } }`;
const RECORD = `mutation ($input: RecordAccessReviewDecisionAppliedInput!) { recordAccessReviewDecisionApplied(input: $input) { id applyResult } }`;
const applying = { catalogId, resourceId, reviewDefinitionId: definitionId, reviewInstanceId: instances.applying };

describe('access reviews', () => {
  beforeEach(() => start());

  it('accessReviews: the most definition pages, the most catalog definitions, and the sessions', async () => {
    // The catalog's seeded review and four more make five (MAX_CATALOG_DEFINITIONS); with another catalog's, six
    // definitions on the unified route, two to a page: three pages (MAX_DEFINITION_PAGES).
    for (let i = 0; i < 4; i++) {
      await control(t, 'POST', '/_emulator/reviews', { displayName: `Review ${i}`, catalogId, instances: [{ status: 'InProgress' }, { status: 'Initializing' }] });
    }
    await control(t, 'PUT', '/_emulator/reviews/paging', { maxPageSize: 2 });
    const measured = await measure(t, gatewaySchema, REVIEWS, { first: 3 });
    expect((measured.answer.body.data?.accessReviews as { edges: unknown[] }).edges).toHaveLength(3);
    expectWithinBudget('accessReviews(first: 3)', measured);
  });

  it('accessReviewDecisions: Graph paging two decisions at a time', async () => {
    const decisions = Array.from({ length: 20 }, () => ({ principal: { id: randomUUID() }, resource: { id: resourceId }, decision: 'Deny' }));
    await control(t, 'POST', `/_emulator/reviews/instances/${instances.applying}/decisions`, { decisions });
    await control(t, 'PUT', '/_emulator/reviews/paging', { maxPageSize: 2 });
    expectWithinBudget('accessReviewDecisions(first: 50)', await measure(t, gatewaySchema, DECISIONS, { input: applying, first: 50 }));
  });

  it('applyAccessReviewDecisions: every answer lost, then the instance and the counts read', async () => {
    await fault(t, { path: 'batchApply', reset: 'after' });
    const measured = await measure(t, gatewaySchema, APPLY, { input: { ...applying, applyResult: 'APPLIED_SUCCESSFULLY' } });
    expect(measured.faulted).toBeGreaterThan(0);
    expectWithinBudget('applyAccessReviewDecisions (answers lost)', measured);
  });

  it('applyAccessReviewDecisions: refused, the instance in progress', async () => {
    const input = { ...applying, reviewInstanceId: instances.inProgress, applyResult: 'APPLIED_SUCCESSFULLY' };
    expectWithinBudget('applyAccessReviewDecisions (refused)', await measure(t, gatewaySchema, APPLY, { input }));
  });

  it('recordAccessReviewDecisionApplied: every answer lost, then the instance and the decision read', async () => {
    await fault(t, { method: 'PATCH', path: '/decisions/', reset: 'after' });
    const input = { ...applying, decisionId: 'de000031-3b88-4c0a-8bb3-68ba8162beff', applyResult: 'APPLIED_SUCCESSFULLY', applyDescription: 'removed' };
    const measured = await measure(t, gatewaySchema, RECORD, { input });
    expect(measured.faulted).toBeGreaterThan(0);
    expectWithinBudget('recordAccessReviewDecisionApplied (answers lost)', measured);
  });
});

describe('federation', () => {
  const subgraph: GraphQLSchema = buildSubgraph(gatewaySchema);
  const ENTITIES = `query ($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on CustomDataProvidedResourceUploadSession { id files { name } } } }`;

  beforeEach(() => start({ FEDERATION: 'true' }));

  it('_entities { files }: three sessions of 300 files each, one of them named twice', async () => {
    const sessions = [await sessionWithFiles(t, 300), await sessionWithFiles(t, 300), await sessionWithFiles(t, 300)];
    const representations = [...sessions, sessions[0]!].map((s) => ({ __typename: 'CustomDataProvidedResourceUploadSession', catalogId: s.catalogId, resourceId: s.resourceId, id: s.uploadSessionId }));
    const measured = await measure(t, subgraph, ENTITIES, { representations });
    expect(measured.answer.body.data?._entities).toHaveLength(4);
    expectWithinBudget('_entities { files } (3 distinct of 4)', measured);
  });
});
