import { randomUUID } from 'node:crypto';
import { SEED_USERS } from '../../src/emulator/catalog-roles/directory';
import { ConfigError } from '../../src/config';
import { FakeAuthority, TENANT_ID } from '../support/fake-authority';
import { postGraphQL, startTestGateway, SEED, type TestGateway } from '../support/gateway';
import { AUDIENCE, callerToken, READ } from '../support/tenants';

/** Callers from many tenants (AUTH_ISSUER with {tenantid}, AUTH_TENANTS), over real HTTP, before anything runs. */
const A = TENANT_ID;
const B = randomUUID();
const UNLISTED = randomUUID();
const user = SEED_USERS.owner;

let authority: FakeAuthority;
let t: TestGateway;
beforeAll(async () => {
  authority = await FakeAuthority.start();
  t = await startTestGateway({
    AUTH_ISSUER: `${authority.origin}/{tenantid}/v2.0`,
    AUTH_TENANTS: `${A},${B.toUpperCase()}`,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_JWKS_COOLDOWN_MS: '0',
    RATE_LIMIT_PER_CALLER: '1',
  });
});
afterAll(async () => {
  await t.stop();
  await authority.close();
});
beforeEach(() => {
  t.emulator.requests.length = 0;
});

const read = (token: string) => postGraphQL(t.url, READ, SEED, { authorization: `Bearer ${token}` });

async function expectUnauthenticated(token: string): Promise<void> {
  const { status, headers, body } = await read(token);
  expect([status, headers['www-authenticate'], body.errors?.[0]?.extensions?.code]).toEqual([401, 'Bearer', 'UNAUTHENTICATED']);
  expect(t.emulator.requests).toEqual([]);
}

describe('refused with 401 before anything runs', () => {
  it('a valid token of a tenant not on AUTH_TENANTS', async () => expectUnauthenticated(await callerToken(authority, { tid: UNLISTED, oid: randomUUID() })));

  it('an iss of another tenant than the tid (both listed)', async () =>
    expectUnauthenticated(await callerToken(authority, { tid: A, oid: randomUUID() }, {}, { issuer: authority.issuerOf(B) })));

  it('a tid that is not a GUID, with the iss it names', async () =>
    expectUnauthenticated(await authority.issue({ tid: 'contoso', oid: randomUUID(), aud: AUDIENCE, scp: 'x' }, { issuer: authority.issuerOf('contoso') })));

  it('a token without a tid', async () => expectUnauthenticated(await authority.issue({ oid: randomUUID(), aud: AUDIENCE, scp: 'x' }, { issuer: authority.issuerOf(A) })));

  it('a token signed with a key whose issuer is another tenant’s (the template does not cover it)', async () => {
    const kid = await authority.addKey('RS256', { issuer: authority.issuerOf(A) });
    // The key is good for A's tokens…
    const fromA = await callerToken(authority, { tid: A, oid: randomUUID() }, {}, { kid });
    expect((await read(fromA)).body.errors).toBeUndefined();
    t.emulator.requests.length = 0;
    // …and not for B's, though B is listed and the token is otherwise valid.
    await expectUnauthenticated(await callerToken(authority, { tid: B, oid: randomUUID() }, {}, { kid }));
  });

  it('accepts a key whose issuer is the template, for any listed tenant', async () => {
    const kid = await authority.addKey('RS256', { issuer: authority.issuerOf('{tenantid}') });
    expect((await read(await callerToken(authority, { tid: B, oid: randomUUID() }, {}, { kid }))).body.errors).toBeUndefined();
  });
});

it('the same oid in two tenants is two callers (RATE_LIMIT_PER_CALLER=1)', async () => {
  const inA = await callerToken(authority, { tid: A, oid: user });
  const inB = await callerToken(authority, { tid: B, oid: user });
  expect((await read(inA)).status).toBe(200);
  expect((await read(inB)).status).toBe(200);
  const again = await read(inA);
  expect([again.status, again.body.errors?.[0]?.extensions?.limit]).toEqual([429, 'caller']);
});

it('calls Graph in the caller’s tenant: the emulator answers each from its own world', async () => {
  for (const tid of [A, B]) {
    const oid = randomUUID();
    expect((await read(await callerToken(authority, { tid, oid }))).body.errors).toBeUndefined();
  }
  expect(t.emulator.requests.map((r) => r.tenant)).toEqual([A, B]);
});

it('start-up refuses AUTH_ISSUER with {tenantid} without AUTH_TENANTS, naming it', async () => {
  const starting = startTestGateway({ AUTH_ISSUER: `${authority.origin}/{tenantid}/v2.0`, AUTH_AUDIENCE: AUDIENCE });
  await expect(starting).rejects.toThrow(ConfigError);
  await expect(starting).rejects.toThrow(/^Configuration error: AUTH_TENANTS must be set when AUTH_ISSUER holds \{tenantid\}/);
});
