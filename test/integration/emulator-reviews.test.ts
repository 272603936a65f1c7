import { randomUUID } from 'node:crypto';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { FakeAuthority, GRAPH_PERMISSION, TENANT_ID } from '../support/fake-authority';
import { call } from './emulator-http';
import { ROUTES, decisionSeed, freshReview, instanceUrl, readAll, reviewsRoot, seededEmulator, type ReviewRoute } from './emulator-review-http';

const { catalogId, resourceId, otherResourceId, definitionId, instances } = REVIEW_SEED;

const origin = seededEmulator();

describe('the seed', () => {
  it('has the catalog review of the seeded resource in each phase, the INITIALIZING one recent and without a session', async () => {
    const { items } = await readAll(`${reviewsRoot(origin(), 'v1.0 unified')}/definitions/${definitionId}/instances`);
    const byId = new Map(items.map((instance) => [instance.id, instance]));
    expect([instances.initializing, instances.inProgress, instances.applying, instances.applied].map((id) => byId.get(id)?.status)).toEqual([
      'Initializing',
      'InProgress',
      'Applying',
      'Applied',
    ]);
    const started = Date.parse(byId.get(instances.initializing)!.startDateTime as string);
    expect(started).toBeLessThan(Date.now());
    expect(started + 2 * 60 * 60 * 1000).toBeGreaterThan(Date.now()); // the upload window is open
    const sessions = `${origin()}/v1.0/identityGovernance/entitlementManagement/catalogs/${catalogId}/resources/${resourceId}/uploadSessions`;
    expect((await call('GET', `${sessions}?$filter=referenceId eq '${instances.initializing}'`)).json.value).toEqual([]);
    // the documentation's session is still there, as it was
    expect((await call('GET', `${sessions}/23f27c15-72f9-45fe-9e9c-e3d8f75bdc44`)).json).toMatchObject({ status: 'active', referenceId: null, stats: { filesUploaded: 1, totalBytesUploaded: 2_000_000 } });
  });

  it('has Deny, Approve and NotReviewed decisions on the seeded resource in the APPLYING instance, and another resource’s', async () => {
    const { items } = await readAll(`${instanceUrl(origin(), 'v1.0 unified', definitionId, instances.applying)}/decisions`);
    const onResource = items.filter((decision) => (decision.resource as { id: string }).id === resourceId);
    expect(new Set(onResource.map((decision) => decision.decision))).toEqual(new Set(['Deny', 'Approve', 'NotReviewed']));
    expect(items.some((decision) => (decision.resource as { id: string }).id === otherResourceId)).toBe(true);
    expect(items.every((decision) => decision.applyResult === 'New')).toBe(true);
  });

  it('has another catalog’s review whose decisions carry the seeded resource’s id', async () => {
    const definition = await call('GET', `${reviewsRoot(origin(), 'v1.0 unified')}/definitions/${REVIEW_SEED.otherDefinitionId}`);
    expect((definition.json.scope as { resourceScopes: unknown[] }).resourceScopes).toEqual([expect.objectContaining({ resourceId: REVIEW_SEED.otherCatalogId, scopeType: 'catalog' })]);
    const decisions = await call('GET', `${instanceUrl(origin(), 'v1.0 unified', REVIEW_SEED.otherDefinitionId, REVIEW_SEED.otherInstanceId)}/decisions`);
    expect(decisions.json.value!.map((decision) => (decision.resource as { id: string }).id)).toEqual([resourceId, resourceId]);
  });
});

describe('definitions', () => {
  it('lists catalog reviews on the unified route and every review on the classic one, on both versions', async () => {
    for (const version of ['v1.0', 'beta'] as const) {
      const unified = await readAll(`${reviewsRoot(origin(), `${version} unified`)}/definitions`);
      const classic = await readAll(`${reviewsRoot(origin(), `${version} classic`)}/definitions`);
      expect(unified.items.map((definition) => definition.id)).toEqual(expect.arrayContaining([definitionId, REVIEW_SEED.otherDefinitionId]));
      expect(unified.items.map((definition) => definition.id)).not.toContain(REVIEW_SEED.groupDefinitionId);
      expect(classic.items.map((definition) => definition.id)).toContain(REVIEW_SEED.groupDefinitionId);
    }
  });

  it('carries the catalog in scope.resourceScopes[] and answers one definition', async () => {
    const reply = await call('GET', `${reviewsRoot(origin(), 'beta classic')}/definitions/${definitionId}`);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      '@odata.context': expect.stringContaining('/beta/$metadata#identityGovernance/accessReviews/definitions/'),
      id: definitionId,
      displayName: 'Building A access review',
      scope: { resourceScopes: [{ '@odata.type': '#microsoft.graph.accessReviewResourceScope', resourceId: catalogId, scopeType: 'catalog' }] },
    });
  });

  it('pages with $top and @odata.nextLink, and counts with $count', async () => {
    const first = await call('GET', `${reviewsRoot(origin(), 'beta classic')}/definitions?$top=1&$count=true`);
    expect(first.json.value).toHaveLength(1);
    expect(first.json['@odata.count']).toBeGreaterThanOrEqual(3);
    const all = await readAll(`${reviewsRoot(origin(), 'beta classic')}/definitions?$top=1`);
    expect(all.pages).toBe(all.items.length);
    expect(new Set(all.items.map((definition) => definition.id)).size).toBe(all.items.length);
  });

  it('refuses $filter (Graph cannot filter a catalog review by its scope) and unknown options with 400', async () => {
    for (const query of [`$filter=scope/resourceScopes/any(s:s/resourceId eq '${catalogId}')`, '$search=building', '$expand=instances']) {
      const reply = await call('GET', `${reviewsRoot(origin(), 'v1.0 unified')}/definitions?${query}`);
      expect(reply).toMatchObject({ status: 400, json: { error: { code: 'BadRequest', innerError: { 'request-id': expect.any(String) } } } });
    }
  });

  it('answers 404 for an unknown definition, and for a group review on the unified route', async () => {
    expect((await call('GET', `${reviewsRoot(origin(), 'v1.0 unified')}/definitions/${randomUUID()}`)).json.error?.code).toBe('ResourceNotFound');
    expect((await call('GET', `${reviewsRoot(origin(), 'v1.0 unified')}/definitions/${REVIEW_SEED.groupDefinitionId}`)).status).toBe(404);
    expect((await call('GET', `${reviewsRoot(origin(), 'v1.0 classic')}/definitions/${REVIEW_SEED.groupDefinitionId}`)).status).toBe(200);
  });
});

describe.each(ROUTES)('instances on %s', (route: ReviewRoute) => {
  const instancesUrl = () => `${reviewsRoot(origin(), route)}/definitions/${definitionId}/instances`;

  it('filters by status, orders by startDateTime and answers one instance with the definition’s scope', async () => {
    const applying = await call('GET', `${instancesUrl()}?$filter=status eq 'Applying'`);
    expect(applying.json.value!.map((instance) => instance.id)).toEqual([instances.applying]);
    const newest = await readAll(`${instancesUrl()}?$orderby=startDateTime desc&$top=2`);
    expect(newest.items.map((instance) => instance.id)).toEqual([instances.initializing, instances.inProgress, instances.applying, instances.applied]);
    const one = await call('GET', `${instancesUrl()}/${instances.initializing}`);
    expect(one.json).toMatchObject({ id: instances.initializing, status: 'Initializing', startDateTime: expect.any(String), endDateTime: expect.any(String) });
    expect((one.json.scope as { resourceScopes: { resourceId: string }[] }).resourceScopes[0]!.resourceId).toBe(catalogId);
  });

  it('answers 404 for an instance of another definition and 400 for an id that is not a GUID', async () => {
    expect((await call('GET', `${instancesUrl()}/${REVIEW_SEED.otherInstanceId}`)).status).toBe(404);
    expect((await call('GET', `${instancesUrl()}/${REVIEW_SEED.otherInstanceId}/decisions`)).status).toBe(404);
    expect((await call('GET', `${instancesUrl()}/not-a-guid`)).status).toBe(400);
    expect((await call('GET', `${instancesUrl()}?$filter=state eq 'Applying'`)).json.error?.message).toBe('Invalid filter clause');
  });
});

describe('the unified route reaches an instance directly', () => {
  it.each(['v1.0', 'beta'])('on %s', async (version) => {
    const base = `${origin()}/${version}/identityGovernance/accessReviews/unified/instances/${instances.applying}`;
    expect((await call('GET', base)).json).toMatchObject({ id: instances.applying, status: 'Applying' });
    expect((await call('GET', `${base}/decisions?$top=1`)).json.value).toHaveLength(1);
    // a group's review is not a catalog review: the unified route does not find it
    expect((await call('GET', `${origin()}/${version}/identityGovernance/accessReviews/unified/instances/a3000001-3b88-4c0a-8bb3-68ba8162beff`)).status).toBe(404);
  });
});

describe.each(ROUTES)('decisions on %s', (route: ReviewRoute) => {
  const decisionsUrl = () => `${instanceUrl(origin(), route, definitionId, instances.applying)}/decisions`;
  const ids = async (query: string) => (await readAll(`${decisionsUrl()}?${query}`)).items.map((decision) => decision.id).sort();

  it('filters by decision, applyResult and resource (resourceId as the how-to writes it, or resource/id)', async () => {
    const denied = ['de000031-3b88-4c0a-8bb3-68ba8162beff', 'de000034-3b88-4c0a-8bb3-68ba8162beff'];
    expect(await ids(`$filter=(decision eq 'Deny' and resourceId eq '${resourceId}')`)).toEqual(denied);
    expect(await ids(`$filter=decision eq 'Deny' and resource/id eq '${resourceId}'`)).toEqual(denied);
    expect(await ids(`$filter=resourceId eq '${otherResourceId}'`)).toEqual(['de000035-3b88-4c0a-8bb3-68ba8162beff', 'de000036-3b88-4c0a-8bb3-68ba8162beff']);
    expect(await ids(`$filter=applyResult eq 'New' and decision eq 'NotReviewed'`)).toEqual(['de000033-3b88-4c0a-8bb3-68ba8162beff']);
    expect(await ids(`$filter=applyResult eq 'AppliedSuccessfully'`)).toEqual([]);
  });

  it('answers a decision in Graph’s shape, with the custom data provided resource’s fields', async () => {
    const reply = await call('GET', `${decisionsUrl()}/de000031-3b88-4c0a-8bb3-68ba8162beff`);
    expect(reply.json).toMatchObject({
      id: 'de000031-3b88-4c0a-8bb3-68ba8162beff',
      accessReviewId: instances.applying,
      decision: 'Deny',
      applyResult: 'New',
      justification: 'Left the project in October',
      reviewedBy: { displayName: 'Megan Bowen' },
      appliedBy: { id: '00000000-0000-0000-0000-000000000000' },
      principal: { '@odata.type': '#microsoft.graph.userIdentity', id: 'e1000001-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Adele Vance' },
      permission: { id: 'f1000001', displayName: 'All floors', type: 'BadgeAccess' },
      resource: { id: resourceId, type: 'CustomDataProvidedResource', customData: '{"site":"HQ"}', scopeId: 'building-a', scopeDisplayName: 'Building A' },
    });
  });

  it('honours $select, and refuses a property that does not exist', async () => {
    const reply = await call('GET', `${decisionsUrl()}?$select=decision,applyResult&$top=1`);
    expect(Object.keys(reply.json.value![0]!).sort()).toEqual(['applyResult', 'decision', 'id']);
    expect((await call('GET', `${decisionsUrl()}?$select=nope`)).status).toBe(400);
  });
});

describe('server-driven pages', () => {
  afterEach(() => call('PUT', `${origin()}/_emulator/reviews/paging`, { json: { maxPageSize: null } }));

  it('caps every page at the control API’s size, whatever $top asks, and the nextLinks reach every item once', async () => {
    const review = await freshReview(origin(), { status: 'Applying', decisions: Array.from({ length: 5 }, () => decisionSeed(randomUUID(), resourceId, 'Deny')) });
    expect((await call('PUT', `${origin()}/_emulator/reviews/paging`, { json: { maxPageSize: 2 } })).status).toBe(200);
    const all = await readAll(`${instanceUrl(origin(), 'beta classic', review.definitionId, review.instanceId)}/decisions?$top=50&$count=true`);
    expect(all).toMatchObject({ pages: 3 });
    expect(new Set(all.items.map((decision) => decision.id)).size).toBe(5);
    expect((await call('GET', `${instanceUrl(origin(), 'v1.0 unified', review.definitionId, review.instanceId)}/decisions?$count=true`)).json['@odata.count']).toBe(5);
  });
});

describe('Graph tokens, when the emulator checks them', () => {
  let authority: FakeAuthority;
  let checking: Emulator;
  let base: string;
  beforeAll(async () => {
    authority = await FakeAuthority.start();
    checking = createEmulator({ auth: { issuer: authority.issuer } });
    base = (await checking.listen(0, '127.0.0.1')).origin;
  });
  afterAll(async () => {
    await checking.close();
    await authority.close();
  });
  const token = async (roles: string[]) => `Bearer ${await authority.issue({ aud: base, tid: TENANT_ID, oid: 'sp-1', azp: 'app-1', roles })}`;
  const decisions = () => `${instanceUrl(base, 'v1.0 unified', definitionId, instances.applying)}/decisions`;
  const apply = (authorization: string) =>
    call('POST', `${reviewsRoot(base, 'v1.0 unified')}/instances/${instances.applying}/batchApplyCustomDataProvidedResourceDecisions`, {
      json: { applyResult: 'appliedSuccessfully', customDataProvidedResourceId: otherResourceId },
      headers: { authorization },
    });

  it('reads reviews with AccessReview.Read.All, not with EntitlementManagement.ReadWrite.All alone', async () => {
    expect((await call('GET', decisions(), { headers: { authorization: await token(['AccessReview.Read.All']) } })).status).toBe(200);
    const refused = await call('GET', decisions(), { headers: { authorization: await token([GRAPH_PERMISSION]) } });
    expect(refused).toMatchObject({ status: 403, json: { error: { code: 'Authorization_RequestDenied' } } });
  });

  it('applies only with AccessReview.ReadWrite.All', async () => {
    expect((await apply(await token(['AccessReview.Read.All', GRAPH_PERMISSION]))).status).toBe(403);
    expect((await call('GET', `${decisions()}/de000035-3b88-4c0a-8bb3-68ba8162beff`, { headers: { authorization: await token(['AccessReview.Read.All']) } })).json.applyResult).toBe('New');
    expect((await apply(await token(['AccessReview.ReadWrite.All']))).status).toBe(202);
  });
});
