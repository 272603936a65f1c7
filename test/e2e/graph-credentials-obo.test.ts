import { alice, bob, credentialGatewaysPerFile, OBO_SECRET, READ_SEED } from '../support/credential-gateways';
import { COMPLETE_SEED, SEED } from '../support/gateway';

/** GRAPH_AUTH=obo: the caller's token exchanged on its behalf; and the emulator's own check of Graph tokens. */

jest.setTimeout(60_000);

const setup = credentialGatewaysPerFile();
const { startGateway, call, userToken, tokenRequests } = setup;

describe('GRAPH_AUTH=obo', () => {
  const obo = { GRAPH_AUTH: 'obo', AZURE_CLIENT_ID: 'gateway-api', AZURE_CLIENT_SECRET: OBO_SECRET };

  it('exchanges the caller’s token: Graph sees a delegated token for the same user; exchanges are cached per caller token', async () => {
    const { url } = await startGateway(obo);
    setup.emulator.requests.length = 0;
    const aliceToken = await userToken(alice);
    const bobToken = await userToken(bob);
    for (const token of [aliceToken, aliceToken, bobToken, aliceToken]) {
      expect((await call(url, READ_SEED, token)).body.errors).toBeUndefined();
    }
    expect(setup.emulator.requests.map((r) => [r.caller?.oid, r.caller?.kind, r.caller?.appId])).toEqual([
      [alice.oid, 'delegated', 'gateway-api'],
      [alice.oid, 'delegated', 'gateway-api'],
      [bob.oid, 'delegated', 'gateway-api'],
      [alice.oid, 'delegated', 'gateway-api'],
    ]);
    expect(tokenRequests('jwt-bearer', 'gateway-api')).toHaveLength(2); // one per caller token
  });

  it('a caller stops waiting for a slow exchange at its deadline; the exchange, no one caller’s, still lands and is reused', async () => {
    const { url } = await startGateway({ ...obo, REQUEST_DEADLINE_MS: '800' });
    const token = await userToken({ ...alice, oid: 'a11ce000-0000-4000-8000-00000000000c' });
    const exchanges = () => tokenRequests('jwt-bearer', 'gateway-api').length;
    const before = exchanges();
    // The authority answers long after the deadline, so a loaded machine cannot bring its answer inside it.
    setup.authority.tokenDelayMs = 8_000;
    try {
      const first = await call(url, READ_SEED, token);
      expect(first.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
      expect(exchanges()).toBe(before); // answered at its deadline, while the authority was still thinking
      while (exchanges() === before) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      setup.authority.tokenDelayMs = 0;
    }
    expect((await call(url, READ_SEED, token)).body.errors).toBeUndefined();
    expect(exchanges()).toBe(before + 1); // the exchange the first caller left was cached, not repeated
  });

  it('answers UNAUTHENTICATED with the AADSTS code when the authority will not exchange the assertion', async () => {
    // Without caller validation (AUTH_DISABLED) a forged token reaches the authority, which refuses it: invalid_grant.
    const { url } = await startGateway({ ...obo, AUTH_ISSUER: '', AUTH_AUDIENCE: '', AUTH_DISABLED: 'true' });
    setup.emulator.requests.length = 0;
    const { body } = await call(url, READ_SEED, await userToken(alice, { foreignKey: true }));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', authority: { error: 'invalid_grant', code: 'AADSTS50013' } });
    expect(setup.emulator.requests).toEqual([]);
  });

  it('answers FORBIDDEN with the AADSTS code when consent is missing, and calls no Graph', async () => {
    const { url, child } = await startGateway(obo);
    const carol = { ...alice, oid: 'ca201000-0000-4000-8000-000000000003' };
    setup.authority.consentMissing.add(carol.oid);
    setup.emulator.requests.length = 0;
    const { body } = await call(url, COMPLETE_SEED, await userToken(carol));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', authority: { error: 'invalid_grant', code: 'AADSTS65001' } });
    expect(setup.emulator.requests).toEqual([]);
    await child.waitFor(/Graph token request failed/); // the child's log line may arrive after the answer
    const logged = child.output.filter((line) => line.includes('Graph token request failed')).map((line) => JSON.parse(line));
    expect(logged).toEqual([expect.objectContaining({ level: 'warn', code: 'FORBIDDEN', authority: expect.objectContaining({ code: 'AADSTS65001' }) })]);
  });
});

describe('the emulator checks Graph tokens', () => {
  it('refuses a token for another audience (401) and one without the permission (403), in Graph’s words', async () => {
    const { request } = await import('undici');
    const path = `${setup.graphBaseUrl.pathname}/identityGovernance/entitlementManagement/accessPackageCatalogs/${SEED.catalogId}/accessPackageResources/${SEED.resourceId}/uploadSessions/${SEED.uploadSessionId}`;
    const get = async (token: string) => {
      const response = await request(new URL(path, setup.graphBaseUrl), { headers: { authorization: `Bearer ${token}` } });
      return { status: response.statusCode, code: ((await response.body.json()) as { error?: { code: string } }).error?.code };
    };
    const graphAudience = setup.graphBaseUrl.origin;
    expect(await get(await setup.authority.issue({ aud: 'api://someone-else', roles: ['EntitlementManagement.ReadWrite.All'] }))).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(await get(await setup.authority.issue({ aud: graphAudience, roles: ['User.Read.All'] }))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    expect(await get(await setup.authority.issue({ aud: graphAudience, scp: 'User.Read' }))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    expect(await get(await setup.authority.issue({ aud: graphAudience, roles: ['EntitlementManagement.ReadWrite.All'] }, { expiresIn: -600 }))).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    expect((await get(await setup.authority.issue({ aud: graphAudience, scp: 'EntitlementManagement.ReadWrite.All' }))).status).toBe(200);
  });
});

setup.itLeaksNothing();
