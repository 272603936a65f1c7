import { request } from 'undici';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { FakeAuthority, GRAPH_PERMISSION, TENANT_ID } from '../support/fake-authority';
import { SEED } from '../support/gateway';

describe('the emulator given an issuer checks Graph tokens as Graph would', () => {
  let authority: FakeAuthority;
  let emulator: Emulator;
  let base: URL;
  beforeAll(async () => {
    authority = await FakeAuthority.start();
    emulator = createEmulator({ auth: { issuer: authority.issuer } }); // keys discovered from the issuer's OpenID configuration
    base = await emulator.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await emulator.close();
    await authority.close();
  });

  const sessionUrl = () =>
    new URL(`${base.pathname}/identityGovernance/entitlementManagement/accessPackageCatalogs/${SEED.catalogId}/accessPackageResources/${SEED.resourceId}/uploadSessions/${SEED.uploadSessionId}`, base);
  const get = async (authorization?: string) => {
    const response = await request(sessionUrl(), { headers: authorization ? { authorization } : {} });
    const body = (await response.body.json()) as { id?: string; error?: { code: string; message: string } };
    return { status: response.statusCode, code: body.error?.code, message: body.error?.message, id: body.id };
  };
  const graphToken = (claims: Record<string, unknown>, options = {}) =>
    authority.issue({ aud: base.origin, tid: TENANT_ID, oid: 'sp-1', azp: 'app-1', ...claims }, options);

  it('accepts an application token with the permission and reports who called', async () => {
    expect(await get(`Bearer ${await graphToken({ roles: [GRAPH_PERMISSION] })}`)).toEqual({ status: 200, code: undefined, id: SEED.uploadSessionId });
    const log = await request(new URL('/_emulator/requests', base));
    const { value } = (await log.body.json()) as { value: { caller?: unknown; tokenFingerprint?: string }[] };
    expect(value.at(-1)?.caller).toEqual({ oid: 'sp-1', tid: TENANT_ID, appId: 'app-1', kind: 'app' });
  });

  it('accepts a delegated token with the permission in scp', async () => {
    expect((await get(`Bearer ${await graphToken({ scp: `User.Read ${GRAPH_PERMISSION}` })}`)).status).toBe(200);
  });

  it.each([
    ['no token', undefined],
    ['not a JWT', 'Bearer opaque'],
  ])('refuses %s with 401 InvalidAuthenticationToken', async (_name, authorization) => {
    expect(await get(authorization)).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
  });

  it('refuses an expired token, another issuer and another audience with 401', async () => {
    for (const [token, message] of [
      [await graphToken({ roles: [GRAPH_PERMISSION] }, { expiresIn: -600 }), 'Lifetime validation failed, the token is expired.'],
      [await graphToken({ roles: [GRAPH_PERMISSION] }, { issuer: 'https://sts.example.com/other/v2.0' }), 'Access token validation failure.'],
      [await graphToken({ roles: [GRAPH_PERMISSION], aud: 'api://not-graph' }), 'Access token validation failure. Invalid audience.'],
      [await graphToken({ roles: [GRAPH_PERMISSION] }, { foreignKey: true }), 'Access token validation failure.'],
    ]) {
      expect(await get(`Bearer ${token}`)).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken', message });
    }
  });

  it('refuses a token without EntitlementManagement.ReadWrite.All with 403 Authorization_RequestDenied', async () => {
    expect(await get(`Bearer ${await graphToken({ roles: ['User.Read.All'], scp: 'User.Read' })}`)).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
  });
});
