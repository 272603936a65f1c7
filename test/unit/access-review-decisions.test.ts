import { parseReviewKey } from '../../src/graph/access-reviews/review-check';
import { parseOutcome } from '../../src/graph/access-reviews/decision-client';
import { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { InvalidInputError } from '../../src/graph/odata/invalid-input';
import { parsePageSize } from '../../src/graph/odata/paging';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { AccessReviewApplyResult, AccessReviewDecisionValue } from '../../src/graph/access-reviews/decision';
import { D, D_OTHER, decision, decisionsGraph, guid, I, I_OTHER, key, OTHER_R, R } from '../support/decisions-graph';
import { dropConnection, fakeCall, FakeGraph } from '../support/fake-graph';

let graph: FakeGraph | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

describe('accessReviewDecisions', () => {
  it.each(['v1.0', 'beta'] as const)('on %s confirms the review is the catalog’s, then reads only this resource’s decisions, filtered', async (version) => {
    const { route, base } = decisionsGraph(version);
    graph = new FakeGraph(route);
    const page = await graph.client(version).decisions.listDecisions(key, { first: parsePageSize(50), decision: AccessReviewDecisionValue.DENY }, fakeCall());
    expect(page.edges.map(({ node }) => node.id)).toEqual(['de000001-3b88-4c0a-8bb3-68ba8162beff']);
    expect(page.totalCount).toBe(1);
    expect(page.edges[0]!.node).toMatchObject({
      decision: AccessReviewDecisionValue.DENY,
      applyResult: AccessReviewApplyResult.NEW,
      reviewedBy: null,
      principal: { displayName: 'Adele Vance', userPrincipalName: 'AdeleV@contoso.example' },
      permission: { id: 'f1000001', displayName: 'All floors', type: 'BadgeAccess' },
      scopeId: 'building-a',
      customData: '{"site":"HQ"}',
    });
    expect(graph.lines()).toEqual([
      `GET ${base}/definitions/${D}`,
      `GET ${base}/definitions/${D}/instances/${I}`,
      `GET ${base}/definitions/${D}/instances/${I}/decisions?$top=50&$filter=decision eq 'Deny' and resourceId eq '${R}'&$count=true`,
    ]);
  });

  it('maps Graph’s values case-insensitively and drops decisions of other resources even when Graph does not filter them', async () => {
    const { route } = decisionsGraph('v1.0', ({ url }) =>
      url.pathname.endsWith('/decisions') ? { status: 200, body: { value: [decision(3, R, { decision: 'approve', applyResult: 'appliedsuccessfully' }), decision(2, OTHER_R, { decision: 'Deny' }), decision(5, R, { decision: 'Maybe' })] } } : undefined,
    );
    graph = new FakeGraph(route);
    const page = await graph.client('v1.0').decisions.listDecisions(key, { first: parsePageSize(3) }, fakeCall());
    expect(page.edges.map(({ node }) => [node.decision, node.applyResult])).toEqual([
      [AccessReviewDecisionValue.APPROVE, AccessReviewApplyResult.APPLIED_SUCCESSFULLY],
      [AccessReviewDecisionValue.UNKNOWN_FUTURE_VALUE, AccessReviewApplyResult.NEW],
    ]);
    expect(page.totalCount).toBeUndefined();
  });

  it('no confused deputy: another catalog’s review whose decisions carry this resource’s id is FORBIDDEN, with no decision read', async () => {
    const { route } = decisionsGraph('v1.0');
    graph = new FakeGraph(route);
    const client = graph.client('v1.0');
    const foreign = parseReviewKey({ ...key, reviewDefinitionId: D_OTHER, reviewInstanceId: I_OTHER });
    for (const attempt of [
      client.decisions.listDecisions(foreign, { first: parsePageSize(50) }, fakeCall()),
      client.decisions.applyDecisions(foreign, { applyResult: AccessReviewApplyResult.APPLIED_SUCCESSFULLY }, fakeCall()),
      client.decisions.recordApplied(foreign, guid('de000001-3b88-4c0a-8bb3-68ba8162beff'), { applyResult: AccessReviewApplyResult.APPLIED_SUCCESSFULLY }, fakeCall()),
    ]) {
      const error = await attempt.catch((caught: unknown) => caught);
      expect(toGraphQLError(error).extensions.code).toBe('FORBIDDEN');
    }
    expect(graph.lines().every((line) => line === `GET /v1.0/identityGovernance/accessReviews/unified/definitions/${D_OTHER}`)).toBe(true);
  });

  it('an instance that is not the definition’s is NOT_FOUND, with no decision read', async () => {
    const { route } = decisionsGraph('v1.0');
    graph = new FakeGraph(route);
    const error = await graph.client('v1.0').decisions.listDecisions(parseReviewKey({ ...key, reviewInstanceId: I_OTHER }), { first: parsePageSize(50) }, fakeCall()).catch((caught: unknown) => caught);
    expect(toGraphQLError(error)).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: 'The access review instance was not found in that definition.' });
    expect(graph.lines().some((line) => line.includes('/decisions'))).toBe(false);
  });

  it('a 403 on decisions is FORBIDDEN naming AccessReview.Read.All', async () => {
    const { route } = decisionsGraph('beta', ({ url }) => (url.pathname.endsWith('/decisions') ? { status: 403, body: { error: { code: 'Forbidden' } } } : undefined));
    graph = new FakeGraph(route);
    const error = await graph.client('beta').decisions.listDecisions(key, { first: parsePageSize(50) }, fakeCall()).catch((caught: unknown) => caught);
    expect(toGraphQLError(error).message).toContain('AccessReview.Read.All');
  });
});

describe('applyAccessReviewDecisions', () => {
  const applied = AccessReviewApplyResult.APPLIED_SUCCESSFULLY;

  it.each([
    ['v1.0', `/v1.0/identityGovernance/accessReviews/unified/instances/${I}/batchApplyCustomDataProvidedResourceDecisions`, undefined],
    ['beta', `/beta/identityGovernance/accessReviews/definitions/${D}/instances/${I}/batchApplyCustomDataProvidedResourceDecisions`, 'vNext'],
  ] as const)('on %s POSTs exactly the three fields to %s', async (version, path, header) => {
    const { route, state } = decisionsGraph(version);
    graph = new FakeGraph(route);
    await graph.client(version).decisions.applyDecisions(key, { applyResult: applied, applyDescription: 'Badges disabled' }, fakeCall());
    const post = graph.seen.find((request) => request.method === 'POST')!;
    expect(post.url.pathname).toBe(path);
    expect(post.headers['x-accessreviews-version']).toBe(header);
    expect(post.json).toEqual({ applyResult: 'appliedSuccessfully', applyDescription: 'Badges disabled', customDataProvidedResourceId: R });
    expect(state.decisions.filter((item) => item.resource.id === R).every((item) => item.applyResult === 'appliedSuccessfully')).toBe(true);
    expect(state.decisions.find((item) => item.resource.id === OTHER_R)!.applyResult).toBe('New');
  });

  it('a 429 is retried: one effect, a success', async () => {
    let throttled = false;
    const { route } = decisionsGraph('v1.0', ({ method }) => (method === 'POST' && !throttled ? ((throttled = true), { status: 429, body: { error: { code: 'TooManyRequests' } }, headers: { 'retry-after': '0' } }) : undefined));
    graph = new FakeGraph(route);
    await graph.client('v1.0').decisions.applyDecisions(key, { applyResult: applied }, fakeCall());
    expect(graph.seen.filter((request) => request.method === 'POST')).toHaveLength(2);
  });

  it('a lost answer whose apply moved the instance on: the retry’s refusal is checked against the decisions, and is a success', async () => {
    let posts = 0;
    const { route, state } = decisionsGraph('v1.0', ({ method, json }) => {
      if (method !== 'POST') return undefined;
      posts++;
      if (posts > 1) return { status: 400, body: { error: { code: 'InvalidState', message: 'The instance is not in Applying.' } } };
      for (const item of state.decisions) if (item.resource.id === R) item.applyResult = (json as { applyResult: string }).applyResult;
      return dropConnection();
    });
    graph = new FakeGraph(route);
    await graph.client('v1.0').decisions.applyDecisions(key, { applyResult: applied }, fakeCall());
    expect(posts).toBe(2);
    expect(graph.lines().filter((line) => line.includes('$count=true'))).toHaveLength(2);
  });

  it('an instance that is not APPLYING is Graph’s refusal, asked once and not retried: its status is read, its decisions not counted', async () => {
    const { route, state } = decisionsGraph('v1.0', ({ method }) => (method === 'POST' ? { status: 409, body: { error: { code: 'InvalidReviewState' } } } : undefined));
    for (const item of state.decisions) item.applyResult = 'appliedSuccessfully';
    state.status = 'InProgress';
    graph = new FakeGraph(route);
    const error = await graph.client('v1.0').decisions.applyDecisions(key, { applyResult: applied }, fakeCall()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(toGraphQLError(error).extensions).toMatchObject({ code: 'CONFLICT', graph: { status: 409, code: 'InvalidReviewState' } });
    expect(graph.seen.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(graph.lines().filter((line) => line.endsWith(`/instances/${I}`))).toHaveLength(2);
    expect(graph.lines().some((line) => line.includes('$count'))).toBe(false);
  });

  it('the caller’s own retry: refused at once (412) on an APPLIED instance whose decisions carry the result is the success', async () => {
    const { route, state } = decisionsGraph('beta', ({ method }) => (method === 'POST' ? { status: 412, body: { error: { code: 'PreconditionFailed' } } } : undefined));
    for (const item of state.decisions) item.applyResult = 'AppliedSuccessfully';
    state.status = 'Applied';
    graph = new FakeGraph(route);
    await graph.client('beta').decisions.applyDecisions(key, { applyResult: applied }, fakeCall());
    expect(graph.seen.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('refuses UNKNOWN_FUTURE_VALUE at the edge: no value Graph takes', () => {
    expect(() => parseOutcome({ applyResult: AccessReviewApplyResult.UNKNOWN_FUTURE_VALUE })).toThrow(InvalidInputError);
  });
});

describe('recordAccessReviewDecisionApplied', () => {
  it('PATCHes exactly the result and its description, and answers the decision as it now is (read again after the 204)', async () => {
    const { route, base } = decisionsGraph('beta');
    graph = new FakeGraph(route);
    const id = 'de000001-3b88-4c0a-8bb3-68ba8162beff';
    const result = await graph.client('beta').decisions.recordApplied(key, guid(id), { applyResult: AccessReviewApplyResult.APPLIED_WITH_UNKNOWN_FAILURE, applyDescription: 'Badge system offline' }, fakeCall());
    expect(result).toMatchObject({ id, applyResult: AccessReviewApplyResult.APPLIED_WITH_UNKNOWN_FAILURE, applyDescription: 'Badge system offline' });
    const patch = graph.seen.find((request) => request.method === 'PATCH')!;
    expect(patch.path).toBe(`${base}/definitions/${D}/instances/${I}/decisions/${id}`);
    expect(patch.json).toEqual({ applyResult: 'AppliedWithUnknownFailure', applyDescription: 'Badge system offline' });
  });

  it('refuses a decision of another resource without writing', async () => {
    graph = new FakeGraph(decisionsGraph('v1.0').route);
    const error = await graph.client('v1.0').decisions.recordApplied(key, guid('de000002-3b88-4c0a-8bb3-68ba8162beff'), { applyResult: AccessReviewApplyResult.APPLIED_SUCCESSFULLY }, fakeCall()).catch((caught: unknown) => caught);
    expect(toGraphQLError(error).extensions.code).toBe('FORBIDDEN');
    expect(graph.seen.some((request) => request.method === 'PATCH')).toBe(false);
  });

  it('a refused PATCH on an APPLIED instance: the decision carrying the result and description asked for is the success; another description is not', async () => {
    const { route, state } = decisionsGraph('v1.0', ({ method }) => (method === 'PATCH' ? { status: 400, body: { error: { code: 'BadRequest' } } } : undefined));
    Object.assign(state.decisions[0]!, { applyResult: 'AppliedSuccessfully', applyDescription: 'Badge disabled' });
    state.status = 'Applied';
    graph = new FakeGraph(route);
    const record = (applyDescription: string) => graph!.client('v1.0').decisions.recordApplied(key, guid(state.decisions[0]!.id), { applyResult: AccessReviewApplyResult.APPLIED_SUCCESSFULLY, applyDescription }, fakeCall());
    expect(await record('Badge disabled')).toMatchObject({ applyResult: AccessReviewApplyResult.APPLIED_SUCCESSFULLY, applyDescription: 'Badge disabled' });
    expect(toGraphQLError(await record('Badge collected').catch((caught: unknown) => caught)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', graph: { status: 400 } });
  });

  it('a 403 on the PATCH names AccessReview.ReadWrite.All', async () => {
    graph = new FakeGraph(decisionsGraph('v1.0', ({ method }) => (method === 'PATCH' ? { status: 403, body: { error: { code: 'Forbidden' } } } : undefined)).route);
    const error = await graph.client('v1.0').decisions.recordApplied(key, guid('de000001-3b88-4c0a-8bb3-68ba8162beff'), { applyResult: AccessReviewApplyResult.APPLIED_SUCCESSFULLY }, fakeCall()).catch((caught: unknown) => caught);
    expect(toGraphQLError(error).message).toContain('AccessReview.ReadWrite.All');
  });
});
