import { randomUUID } from 'node:crypto';
import { SEED_USERS } from '../../src/emulator/catalog-roles/directory';
import { FakeAuthority, TENANT_ID } from '../support/fake-authority';
import { postGraphQL, scriptFault, startTestGateway, SEED, type TestGateway } from '../support/gateway';
import { AUDIENCE, callAs, COMPLETE, control, grant, newSession, READ, REVIEWS, type Caller } from '../support/tenants';

/**
 * CATALOG_AUTHORIZATION=graph against the emulator over real HTTP: callers from a fake authority serving
 * several tenants, their catalog roles read from the emulator's world of their tenant.
 */
const A = TENANT_ID;
const B = randomUUID();
const owner: Caller = { tid: A, oid: SEED_USERS.owner };
const reader: Caller = { tid: A, oid: SEED_USERS.reader };
const stranger: Caller = { tid: A, oid: SEED_USERS.stranger };

let authority: FakeAuthority;
let t: TestGateway;
beforeAll(async () => {
  authority = await FakeAuthority.start();
  t = await startTestGateway({
    AUTH_ISSUER: `${authority.origin}/{tenantid}/v2.0`,
    AUTH_TENANTS: `${A},${B}`,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_JWKS_COOLDOWN_MS: '0',
    CATALOG_AUTHORIZATION: 'graph',
    CATALOG_AUTHORIZATION_TTL_S: '1',
    GRAPH_RETRY_BASE_MS: '1',
    FEDERATION: 'true',
  });
});
afterAll(async () => {
  await t.stop();
  await authority.close();
});
beforeEach(async () => {
  t.emulator.requests.length = 0;
  t.emulator.faults.clear();
});

/** What reached the emulator's Graph paths, as `METHOD path-tail`. */
const reached = () => t.emulator.requests.map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`);
const ROLE_READ = 'GET entitlementManagement/roleAssignments';
const code = (answer: { body: { errors?: { extensions?: { code?: string } }[] } }) => answer.body.errors?.[0]?.extensions?.code;

it('an owner completes a session', async () => {
  const session = await newSession(t, A);
  const answer = await callAs(t, authority, owner, COMPLETE, { input: session });
  expect(answer.body).toEqual({ data: { completeUploadSession: { id: session.uploadSessionId, isUploadDone: true } } });
  expect(reached()).toEqual([ROLE_READ, `PATCH uploadSessions/${session.uploadSessionId}`]);
});

it('a reader reads, but cannot complete: FORBIDDEN naming the catalog and the role, and no PATCH reaches Graph', async () => {
  const session = await newSession(t, A);
  expect((await callAs(t, authority, reader, READ, session)).body.data).toEqual({ uploadSession: { id: session.uploadSessionId, isUploadDone: false } });
  t.emulator.requests.length = 0;
  const refused = await callAs(t, authority, reader, COMPLETE, { input: session });
  expect(refused.status).toBe(200);
  expect(refused.body.data).toBeNull();
  expect(refused.body.errors).toEqual([
    expect.objectContaining({ path: ['completeUploadSession'], extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining(`Catalog owner role on catalog ${SEED.catalogId}`) }),
  ]);
  expect(t.emulator.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
});

it('a stranger can neither read nor complete, and no session or review read reaches Graph', async () => {
  const session = await newSession(t, A);
  for (const [query, variables] of [[READ, session], [REVIEWS, session], [COMPLETE, { input: session }]] as const) {
    const answer = await callAs(t, authority, stranger, query, variables);
    expect(code(answer)).toBe('FORBIDDEN');
    expect(answer.body.errors?.[0]?.message).toContain(SEED.catalogId);
  }
  expect(new Set(reached())).toEqual(new Set([ROLE_READ]));
});

it('a member of a group holding Catalog owner (through a group in a group) is allowed', async () => {
  const [group, inner, member] = [randomUUID(), randomUUID(), randomUUID()];
  await grant(t, A, SEED.catalogId, group, 'owner', 'group');
  await control(t, A, 'POST', `/_emulator/groups/${group}/members`, { memberId: inner });
  await control(t, A, 'POST', `/_emulator/groups/${inner}/members`, { memberId: member });
  const session = await newSession(t, A);
  const answer = await callAs(t, authority, { tid: A, oid: member }, COMPLETE, { input: session });
  expect(answer.body.data).toEqual({ completeUploadSession: { id: session.uploadSessionId, isUploadDone: true } });
  expect(reached()).toContain(`POST ${member}/checkMemberGroups`);
});

it('a revocation takes effect once CATALOG_AUTHORIZATION_TTL_S has passed', async () => {
  const user: Caller = { tid: A, oid: randomUUID() };
  const assignment = await grant(t, A, SEED.catalogId, user.oid, 'reader');
  const session = await newSession(t, A);
  expect((await callAs(t, authority, user, READ, session)).body.errors).toBeUndefined();
  await control(t, A, 'DELETE', `/_emulator/roles/${assignment}`);
  let answer = await callAs(t, authority, user, READ, session);
  // A bounded wait: the 1 s TTL, then some; no assertion on when exactly.
  for (let tries = 0; code(answer) !== 'FORBIDDEN' && tries < 40; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await callAs(t, authority, user, READ, session);
  }
  expect(code(answer)).toBe('FORBIDDEN');
});

it('a failing role check refuses with the operation’s usual code, and never grants', async () => {
  const user: Caller = { tid: A, oid: randomUUID() };
  await grant(t, A, SEED.catalogId, user.oid, 'owner');
  const session = await newSession(t, A);
  await scriptFault(t, { path: '/roleAssignments', status: 503, retryAfter: '0' });
  const unavailable = await callAs(t, authority, user, COMPLETE, { input: session });
  expect(code(unavailable)).toBe('UPSTREAM_UNAVAILABLE');
  t.emulator.faults.clear();
  await scriptFault(t, { path: '/roleAssignments', malformed: true });
  const unreadable = await callAs(t, authority, user, COMPLETE, { input: session });
  expect(code(unreadable)).toBe('UPSTREAM_ERROR');
  expect(t.emulator.requests.filter((r) => !r.path.endsWith('/roleAssignments'))).toEqual([]);
  // Nothing was kept: with Graph back, the owner completes.
  t.emulator.faults.clear();
  expect((await callAs(t, authority, user, COMPLETE, { input: session })).body.errors).toBeUndefined();
});

it('checks each catalog of an operation on its own: aliases and a federated _entities batch', async () => {
  const other = { catalogId: randomUUID(), resourceId: randomUUID() };
  await control(t, A, 'POST', '/_emulator/resources', other);
  const mine = await newSession(t, A);
  const theirs = await newSession(t, A, other.catalogId, other.resourceId);
  const aliases = await callAs(
    t, authority, reader,
    `query($a: ID!, $b: ID!) { mine: uploadSession(catalogId: "${mine.catalogId}", resourceId: "${mine.resourceId}", uploadSessionId: $a) { id }
      theirs: uploadSession(catalogId: "${other.catalogId}", resourceId: "${other.resourceId}", uploadSessionId: $b) { id } }`,
    { a: mine.uploadSessionId, b: theirs.uploadSessionId },
  );
  expect(aliases.status).toBe(200);
  expect(aliases.body.data).toEqual({ mine: { id: mine.uploadSessionId }, theirs: null });
  expect(aliases.body.errors).toEqual([expect.objectContaining({ path: ['theirs'], extensions: { code: 'FORBIDDEN' } })]);
  const representation = (s: typeof mine) => ({ __typename: 'CustomDataProvidedResourceUploadSession', catalogId: s.catalogId, resourceId: s.resourceId, id: s.uploadSessionId });
  const entities = await callAs(t, authority, reader, `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomDataProvidedResourceUploadSession { id } } }`, {
    r: [representation(theirs), representation(mine)],
  });
  expect(entities.body.data).toEqual({ _entities: [null, { id: mine.uploadSessionId }] });
  expect(entities.body.errors).toEqual([expect.objectContaining({ path: ['_entities', 0], extensions: { code: 'FORBIDDEN' } })]);
  expect(t.emulator.requests.filter((r) => r.path.includes(theirs.uploadSessionId))).toEqual([]);
});

it('tenant B’s caller never reaches tenant A’s world, even naming A’s catalog with an oid that owns it in A', async () => {
  const onlyInA = { catalogId: randomUUID(), resourceId: randomUUID() };
  await control(t, A, 'POST', '/_emulator/resources', onlyInA);
  const user = randomUUID();
  await grant(t, A, onlyInA.catalogId, user, 'owner');
  const sessionInA = await newSession(t, A, onlyInA.catalogId, onlyInA.resourceId);
  const refused = await callAs(t, authority, { tid: B, oid: user }, COMPLETE, { input: sessionInA });
  expect(code(refused)).toBe('FORBIDDEN');
  // B's own owner completes B's copy of the seed session; A's stays as it was.
  const seedB = await callAs(t, authority, { tid: B, oid: SEED_USERS.owner }, COMPLETE, { input: SEED });
  expect(seedB.body.data).toEqual({ completeUploadSession: { id: SEED.uploadSessionId, isUploadDone: true } });
  expect(t.emulator.requests.map((r) => r.tenant)).toEqual(t.emulator.requests.map(() => B));
  expect(t.emulator.worlds.of(A).store.get(SEED)?.isUploadDone ?? false).toBe(false);
  expect(t.emulator.worlds.of(A).store.get(sessionInA)?.isUploadDone ?? false).toBe(false);
});

it('without a valid caller nothing is checked: 401 before any Graph call', async () => {
  const answer = await postGraphQL(t.url, READ, SEED);
  expect(answer.status).toBe(401);
  expect(t.emulator.requests).toEqual([]);
});
