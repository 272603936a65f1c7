import { randomUUID } from 'node:crypto';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { ASSUMED_REFUSALS } from '../../src/emulator/upload-sessions/session-refusals';
import { addFault, call, createBody, multipart, newResource, sessionsUrl, type PathShape } from './emulator-http';
import { batchApply, decisionSeed, freshReview, instanceUrl, readAll, seededEmulator, type FreshReview } from './emulator-review-http';

const { catalogId, resourceId, otherResourceId } = REVIEW_SEED;

const origin = seededEmulator();
afterEach(() => call('DELETE', `${origin()}/_emulator/faults`));

const decisionsOf = async (review: FreshReview, query = '') =>
  (await readAll(`${instanceUrl(origin(), 'v1.0 unified', review.definitionId, review.instanceId)}/decisions${query}`)).items;
const statusOf = async (review: FreshReview) => (await call('GET', instanceUrl(origin(), 'beta classic', review.definitionId, review.instanceId))).json.status;
const control = (review: FreshReview, action = '', json?: unknown) =>
  call(action === '' ? 'PATCH' : 'POST', `${origin()}/_emulator/reviews/instances/${review.instanceId}${action}`, json === undefined ? {} : { json });

/** The emulator's own refusal (Graph documents none), as its one table says. */
const refusedAs = (kind: 'reviewNotApplying' | 'reviewNotInProgress' | 'reviewWithoutVersionHeader') => ({
  status: ASSUMED_REFUSALS[kind].status,
  json: { error: { code: ASSUMED_REFUSALS[kind].code } },
});

const CSV = [
  'PrincipalId,PrincipalType,PermissionId,PermissionName,PermissionDescription,PermissionType,ScopeId,ScopeDisplayName,CustomData',
  'e1000001-3b88-4c0a-8bb3-68ba8162beff,EntraIdUser,p-1,Lobby,"Lobby, ground floor",BadgeAccess,site-1,HQ,"{""floor"":0}"',
  'e1000002-3b88-4c0a-8bb3-68ba8162beff,EntraIdUser,p-1,Lobby,"Lobby, ground floor",BadgeAccess,site-1,HQ,',
  'e1000002-3b88-4c0a-8bb3-68ba8162beff,EntraIdUser,p-2,Roof,Roof access,BadgeAccess,site-1,HQ,',
].join('\r\n');

describe.each<PathShape>(['v1.0', 'beta-seed'])('a completed upload session (%s) turns its CSV rows into the instance’s decisions', (shape) => {
  async function upload(review: FreshReview, where: { catalogId: string; resourceId: string } = { catalogId, resourceId }): Promise<string> {
    const collection = sessionsUrl(origin(), shape, where.catalogId, where.resourceId);
    const body = createBody(review.instanceId);
    (body.data as Record<string, string>).reviewDefinitionId = review.definitionId;
    const created = await call('POST', collection, { json: body });
    expect(created.status).toBe(201);
    const session = `${collection}/${created.json.id as string}`;
    const file = multipart([{ name: 'file', filename: 'access.csv', content: CSV }]);
    expect((await call('POST', `${session}/uploadFile`, { body: file.body, headers: { 'content-type': file.contentType } })).status).toBe(200);
    return session;
  }

  it('one decision per row (principal × permission) on the session’s resource, once the session is complete', async () => {
    const review = await freshReview(origin(), { status: 'Initializing' });
    const session = await upload(review);
    expect(await decisionsOf(review)).toEqual([]); // not complete yet
    expect((await call('PATCH', session, { json: { isUploadDone: true } })).status).toBe(200);
    const decisions = await decisionsOf(review);
    expect(decisions).toHaveLength(3);
    expect(decisions[0]).toMatchObject({
      decision: 'NotReviewed',
      applyResult: 'New',
      // Named from the emulator's seeded directory, as Graph names a principal from the tenant's.
      principal: { id: 'e1000001-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Adele Vance', userPrincipalName: 'AdeleV@contoso.example' },
      permission: { id: 'p-1', displayName: 'Lobby', description: 'Lobby, ground floor', type: 'BadgeAccess' },
      resource: { id: resourceId, type: 'CustomDataProvidedResource', scopeId: 'site-1', scopeDisplayName: 'HQ', customData: '{"floor":0}' },
    });
    expect(decisions.map((decision) => (decision.permission as { id: string }).id)).toEqual(['p-1', 'p-1', 'p-2']);
    expect(await decisionsOf(review)).toHaveLength(3); // read again: the rows are made into decisions once
  });

  it('counts only sessions under the review’s own catalog', async () => {
    const review = await freshReview(origin(), { status: 'Initializing' });
    const session = await upload(review, await newResource(origin())); // a resource of another catalog
    expect((await call('PATCH', session, { json: { isUploadDone: true } })).status).toBe(200);
    expect(await decisionsOf(review)).toEqual([]);
  });
});

describe('the control API plays the service and the reviewers', () => {
  it('moves an instance through its phases, one at a time, and no further than Applied', async () => {
    const review = await freshReview(origin(), { status: 'Initializing' });
    for (const phase of ['InProgress', 'Applying', 'Applied']) {
      const moved = await control(review, '/advance');
      expect(moved).toMatchObject({ status: 200, json: { status: phase } });
      expect(await statusOf(review)).toBe(phase);
    }
    expect((await control(review, '/advance')).status).toBe(409);
  });

  it('sets any status string (a status the client does not know, or Initializing again with a new upload window)', async () => {
    const review = await freshReview(origin(), { status: 'Applied', startDateTime: '2026-01-01T00:00:00Z' });
    expect((await control(review, '', { status: 'AutoReviewing' })).status).toBe(200);
    expect(await statusOf(review)).toBe('AutoReviewing');
    const before = Date.now();
    await control(review, '', { status: 'Initializing' });
    const instance = await call('GET', `${origin()}/v1.0/identityGovernance/accessReviews/unified/instances/${review.instanceId}`);
    expect(Date.parse(instance.json.startDateTime as string)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('records reviewers’ decisions while the review is in progress, chosen by resource and principal', async () => {
    const [adele, alex] = [randomUUID(), randomUUID()];
    const review = await freshReview(origin(), { status: 'InProgress', decisions: [decisionSeed(adele, resourceId), decisionSeed(alex, resourceId), decisionSeed(adele, otherResourceId)] });
    const reviewer = { id: randomUUID(), displayName: 'Megan Bowen' };
    const decided = await control(review, '/review', { decision: 'Deny', justification: 'Left', resourceId, principalIds: [adele], reviewer });
    expect(decided.json.value).toHaveLength(1);
    const [denied] = await decisionsOf(review, `?$filter=decision eq 'Deny'`);
    expect(denied).toMatchObject({ principal: { id: adele }, resource: { id: resourceId }, justification: 'Left', reviewedBy: reviewer, reviewedDateTime: expect.any(String) });
    expect((await decisionsOf(review, `?$filter=decision eq 'NotReviewed'`)).length).toBe(2);
  });

  it('refuses reviewers’ decisions outside InProgress, through the control API and through Graph’s PATCH', async () => {
    const review = await freshReview(origin(), { status: 'Applying', decisions: [decisionSeed(randomUUID(), resourceId)] });
    expect(await control(review, '/review', { decision: 'Approve' })).toMatchObject(refusedAs('reviewNotInProgress'));
    const [decision] = await decisionsOf(review);
    const url = `${instanceUrl(origin(), 'beta classic', review.definitionId, review.instanceId)}/decisions/${decision!.id as string}`;
    expect(await call('PATCH', url, { json: { decision: 'Approve' } })).toMatchObject(refusedAs('reviewNotInProgress'));
    await control(review, '', { status: 'InProgress' });
    expect((await call('PATCH', url, { json: { '@odata.type': '#microsoft.graph.accessReviewInstanceDecisionItem', decision: 'Approve', justification: 'Needed' } })).status).toBe(204);
    expect((await call('GET', url)).json).toMatchObject({ decision: 'Approve', justification: 'Needed' });
  });
});

describe.each(['v1.0', 'beta'] as const)('applying on %s', (version) => {
  const applying = () =>
    freshReview(origin(), {
      status: 'Applying',
      decisions: [decisionSeed(randomUUID(), resourceId, 'Deny'), decisionSeed(randomUUID(), resourceId, 'Approve'), decisionSeed(randomUUID(), resourceId), decisionSeed(randomUUID(), otherResourceId, 'Deny')],
    });
  const body = { applyResult: 'appliedSuccessfully', applyDescription: 'Removed in the badge system', customDataProvidedResourceId: resourceId };

  it('batch apply answers 202 with no body and sets the result on every decision of that resource only', async () => {
    const review = await applying();
    const reply = await batchApply(origin(), version, review.definitionId, review.instanceId, body);
    expect(reply).toMatchObject({ status: 202, text: '' });
    const decisions = await decisionsOf(review);
    const mine = decisions.filter((decision) => (decision.resource as { id: string }).id === resourceId);
    expect(mine.map((decision) => [decision.applyResult, decision.applyDescription])).toEqual(Array(3).fill(['AppliedSuccessfully', 'Removed in the badge system']));
    expect(mine[0]!.appliedDateTime).toEqual(expect.any(String));
    expect(decisions.find((decision) => (decision.resource as { id: string }).id === otherResourceId)!.applyResult).toBe('New');
    expect(await statusOf(review)).toBe('Applying'); // the other resource's denial is not applied yet
  });

  it('becomes Applied once every decision but the approvals has a result, and then refuses to apply again', async () => {
    const review = await applying();
    expect((await batchApply(origin(), version, review.definitionId, review.instanceId, { ...body, customDataProvidedResourceId: otherResourceId })).status).toBe(202);
    const open = await decisionsOf(review, `?$filter=resourceId eq '${resourceId}' and decision eq 'Deny'`);
    const root = version === 'v1.0' ? `${origin()}/v1.0/identityGovernance/accessReviews/unified/instances/${review.instanceId}` : instanceUrl(origin(), 'beta classic', review.definitionId, review.instanceId);
    expect((await call('PATCH', `${root}/decisions/${open[0]!.id as string}`, { json: { applyResult: 'AppliedWithUnknownFailure', applyDescription: 'Badge system down' } })).status).toBe(204);
    expect(await statusOf(review)).toBe('Applying'); // the NotReviewed decision has no result yet
    const [notReviewed] = await decisionsOf(review, `?$filter=decision eq 'NotReviewed'`);
    expect((await call('PATCH', `${root}/decisions/${notReviewed!.id as string}`, { json: { applyResult: 'appliedSuccessfullyButObjectNotFound' } })).status).toBe(204);
    expect(await statusOf(review)).toBe('Applied');
    const again = await batchApply(origin(), version, review.definitionId, review.instanceId, body);
    expect(again).toMatchObject(refusedAs('reviewNotApplying'));
  });

  it('refuses an instance that is not Applying, and a bad body, with nothing written', async () => {
    const review = await applying();
    for (const bad of [{ ...body, extra: 1 }, { ...body, customDataProvidedResourceId: 'nope' }, { ...body, applyResult: 'Success' }, { ...body, applyResult: 'new' }, { applyResult: 'appliedSuccessfully' }]) {
      expect(await batchApply(origin(), version, review.definitionId, review.instanceId, bad)).toMatchObject({ status: 400, json: { error: { code: 'BadRequest' } } });
    }
    await control(review, '', { status: 'InProgress' });
    expect(await batchApply(origin(), version, review.definitionId, review.instanceId, body)).toMatchObject(refusedAs('reviewNotApplying'));
    expect((await decisionsOf(review)).every((decision) => decision.applyResult === 'New')).toBe(true);
  });

  it('goes through the fault hooks: a 429 applies nothing, a lost answer applies once', async () => {
    const review = await applying();
    await addFault(origin(), { path: review.instanceId, method: 'POST', status: 429, retryAfter: '1', times: 1 });
    const throttled = await batchApply(origin(), version, review.definitionId, review.instanceId, body);
    expect(throttled).toMatchObject({ status: 429, headers: { 'retry-after': '1' }, json: { error: { code: 'TooManyRequests' } } });
    expect((await decisionsOf(review, `?$filter=applyResult eq 'New'`)).length).toBe(4);
    await addFault(origin(), { path: 'batchApplyCustomDataProvidedResourceDecisions', reset: 'after', times: 1 });
    await expect(batchApply(origin(), version, review.definitionId, review.instanceId, body)).rejects.toThrow();
    expect((await decisionsOf(review, `?$filter=applyResult eq 'AppliedSuccessfully'`)).length).toBe(3);
  });
});

describe('batch apply routes', () => {
  const body = { applyResult: 'appliedSuccessfully', customDataProvidedResourceId: resourceId };
  // The other resource's denial keeps the instance Applying after each apply on this one.
  const applying = () => freshReview(origin(), { status: 'Applying', decisions: [decisionSeed(randomUUID(), resourceId, 'Deny'), decisionSeed(randomUUID(), otherResourceId, 'Deny')] });
  const action = 'batchApplyCustomDataProvidedResourceDecisions';

  it('beta’s classic route requires x-accessreviews-version: vNext; its unified routes do not', async () => {
    const review = await applying();
    const classic = `${instanceUrl(origin(), 'beta classic', review.definitionId, review.instanceId)}/${action}`;
    expect(await call('POST', classic, { json: body })).toMatchObject(refusedAs('reviewWithoutVersionHeader'));
    expect((await call('POST', `${instanceUrl(origin(), 'beta unified', review.definitionId, review.instanceId)}/${action}`, { json: body })).status).toBe(202);
    expect((await call('POST', `${origin()}/beta/identityGovernance/accessReviews/unified/instances/${review.instanceId}/${action}`, { json: body })).status).toBe(202);
  });

  it('v1.0 serves it only on the unified route', async () => {
    const review = await applying();
    const classic = await call('POST', `${instanceUrl(origin(), 'v1.0 classic', review.definitionId, review.instanceId)}/${action}`, { json: body, headers: { 'x-accessreviews-version': 'vNext' } });
    expect(classic).toMatchObject({ status: 400, json: { error: { message: expect.stringContaining(action) } } });
    expect((await call('POST', `${instanceUrl(origin(), 'v1.0 unified', review.definitionId, review.instanceId)}/${action}`, { json: body })).status).toBe(202);
  });

  it('answers 404 for an instance named under another definition, with nothing written', async () => {
    const review = await applying();
    const reply = await call('POST', `${instanceUrl(origin(), 'v1.0 unified', REVIEW_SEED.definitionId, review.instanceId)}/${action}`, { json: body });
    expect(reply.status).toBe(404);
    expect((await decisionsOf(review))[0]!.applyResult).toBe('New');
  });
});

describe('faults on review reads', () => {
  it('a scripted 403 on decisions answers Graph’s envelope', async () => {
    await addFault(origin(), { path: '/decisions', status: 403, times: 1 });
    const url = `${instanceUrl(origin(), 'v1.0 unified', REVIEW_SEED.definitionId, REVIEW_SEED.instances.applying)}/decisions`;
    expect(await call('GET', url)).toMatchObject({ status: 403, json: { error: { code: 'Authorization_RequestDenied', innerError: { 'request-id': expect.any(String) } } } });
    expect((await call('GET', url)).status).toBe(200);
  });
});
