import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { FakeAuthority, MANAGED_IDENTITY_HEADER, TENANT_ID } from '../support/fake-authority';
import { COMPLETE_SEED, postGraphQL, SEED } from '../support/gateway';
import { spawnProcess, type Spawned } from '../support/spawn';

jest.setTimeout(60_000);

const API = 'api://upload-gateway';
const SECRET = 'app-secret-value-that-must-never-be-logged';
const OBO_SECRET = 'obo-secret-value-that-must-never-be-logged';
const READ_SEED = `{ uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") { id } }`;
const alice = { oid: 'a11ce000-0000-4000-8000-000000000001', tid: TENANT_ID, azp: 'spa-client', scp: 'access_as_user', name: 'Alice' };
const bob = { ...alice, oid: 'b0b00000-0000-4000-8000-000000000002', name: 'Bob' };

let authority: FakeAuthority;
let emulator: Emulator;
let graphBaseUrl: URL;
let certificatePath: string;
const children: Spawned[] = [];
const answers: unknown[] = [];

beforeAll(async () => {
  authority = await FakeAuthority.start({ tls: true });
  const certificate = authority.makeCertificate('gateway-app');
  authority.clients.set('app-secret-client', { clientId: 'app-secret-client', secret: SECRET });
  authority.clients.set('app-cert-client', { clientId: 'app-cert-client', certificatePem: certificate.certPem });
  authority.clients.set('app-wi-client', { clientId: 'app-wi-client', federated: true });
  authority.clients.set('gateway-api', { clientId: 'gateway-api', secret: OBO_SECRET, apiAudience: API });
  certificatePath = certificate.pemPath;
  // The emulator checks Graph tokens with the authority's keys, as Graph would.
  emulator = createEmulator({ auth: { jwks: authority.jwks(), issuer: authority.issuer } });
  graphBaseUrl = await emulator.listen(0, '127.0.0.1');
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    child.child.kill('SIGKILL');
    await child.closed;
  }
});

afterAll(async () => {
  await emulator.close();
  await authority.close();
});

const allOutput: string[] = [];

function startProcess(env: Record<string, string>): Spawned {
  const child = spawnProcess(process.execPath, ['dist/main.js'], {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    GRAPH_BASE_URL: graphBaseUrl.href,
    AZURE_AUTHORITY_HOST: authority.origin,
    AZURE_TENANT_ID: TENANT_ID,
    NODE_EXTRA_CA_CERTS: authority.caCertPath!, // read by Node at start: why the gateway runs as a child process here
    ...env,
  });
  children.push(child);
  child.child.on('close', () => allOutput.push(...child.output));
  return child;
}

async function startGateway(env: Record<string, string>): Promise<{ url: URL; child: Spawned }> {
  // These tests are about credentials: catalog roles have their own (catalog-authorization, tenant-credentials).
  const child = startProcess({ AUTH_ISSUER: authority.issuer, AUTH_AUDIENCE: API, CATALOG_AUTHORIZATION: 'off', ...env });
  const [, url] = await child.waitFor(/gateway listening on (http:\/\/\S+)"/);
  return { url: new URL(url!), child };
}

async function call(url: URL, query: string, token?: string) {
  const answer = await postGraphQL(url, query, undefined, token ? { authorization: `Bearer ${token}` } : {});
  answers.push(answer);
  return answer;
}

const userToken = (user: typeof alice, options = {}) => authority.issue({ ...user, aud: API }, options);
const tokenRequests = (grant: string, clientId: string) => authority.requests.filter((r) => r.grantType.endsWith(grant) && r.clientId === clientId);

describe('GRAPH_AUTH=app', () => {
  it('with a client secret: calls Graph with an application token, obtained once and reused', async () => {
    const { url, child } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: SECRET });
    expect(child.output.join('\n')).toContain('Graph credential: app credential client-secret');
    emulator.requests.length = 0;
    const token = await userToken(alice);
    const first = await call(url, READ_SEED, token);
    const second = await call(url, READ_SEED, token);
    expect(first.body.errors).toBeUndefined();
    expect(second.body.data).toEqual({ uploadSession: { id: SEED.uploadSessionId } });
    expect(emulator.requests.map((r) => r.caller)).toEqual([
      { oid: 'sp-app-secret-client', tid: TENANT_ID, appId: 'app-secret-client', kind: 'app' },
      { oid: 'sp-app-secret-client', tid: TENANT_ID, appId: 'app-secret-client', kind: 'app' },
    ]);
    // One token at start-up (the credential check), none per request.
    expect(tokenRequests('client_credentials', 'app-secret-client')).toEqual([{ grantType: 'client_credentials', tenant: TENANT_ID, clientId: 'app-secret-client', clientAuth: 'secret', status: 200 }]);
  });

  it('with a certificate: signs a client assertion the authority verifies', async () => {
    const { url } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-cert-client', AZURE_CLIENT_CERTIFICATE_PATH: certificatePath });
    const { body } = await call(url, READ_SEED, await userToken(alice));
    expect(body.errors).toBeUndefined();
    expect(tokenRequests('client_credentials', 'app-cert-client').map((r) => [r.clientAuth, r.status])).toEqual([['assertion', 200]]);
    expect(emulator.requests.at(-1)?.caller).toMatchObject({ appId: 'app-cert-client', kind: 'app' });
  });

  it('with workload identity: presents the federated token file', async () => {
    const file = authority.tempFile('federated-token');
    writeFileSync(file, await authority.issue({ aud: 'api://AzureADTokenExchange', sub: 'system:serviceaccount:gateway:gateway' }));
    const { url } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-wi-client', AZURE_FEDERATED_TOKEN_FILE: file });
    const { body } = await call(url, READ_SEED, await userToken(alice));
    expect(body.errors).toBeUndefined();
    expect(emulator.requests.at(-1)?.caller).toMatchObject({ appId: 'app-wi-client', kind: 'app' });
  });

  it('with a managed identity: asks the platform’s identity endpoint (App Service style), for a user-assigned identity', async () => {
    const { url, child } = await startGateway({
      GRAPH_AUTH: 'app',
      AZURE_MANAGED_IDENTITY: 'true',
      AZURE_CLIENT_ID: 'user-assigned-id',
      // Read by MSAL itself, as on App Service: where the platform serves managed identity tokens.
      IDENTITY_ENDPOINT: `${authority.origin}/msi/token`,
      IDENTITY_HEADER: MANAGED_IDENTITY_HEADER,
    });
    expect(child.output.join('\n')).toContain('Graph credential: app credential managed-identity');
    const { body } = await call(url, READ_SEED, await userToken(alice));
    expect(body.errors).toBeUndefined();
    expect(emulator.requests.at(-1)?.caller).toMatchObject({ appId: 'user-assigned-id', kind: 'app' });
    expect(authority.requests.filter((r) => r.grantType === 'managed_identity').map((r) => r.status)).toEqual([200]);
  });

  it('refreshes a token before it expires, not after a 401', async () => {
    authority.graphTokenLifetime = 240; // inside MSAL's five-minute renewal margin: every use renews
    try {
      const { url } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: SECRET });
      const before = tokenRequests('client_credentials', 'app-secret-client').length;
      emulator.requests.length = 0;
      const token = await userToken(alice);
      for (let i = 0; i < 2; i++) expect((await call(url, READ_SEED, token)).body.errors).toBeUndefined();
      expect(tokenRequests('client_credentials', 'app-secret-client').length).toBe(before + 2);
      expect(emulator.requests.map((r) => r.status)).toEqual([200, 200]);
    } finally {
      authority.graphTokenLifetime = 3600;
    }
  });

  it('refuses callers without a valid token before spending its credential', async () => {
    const { url } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: SECRET });
    emulator.requests.length = 0;
    const none = await call(url, READ_SEED);
    const expired = await call(url, READ_SEED, await userToken(alice, { expiresIn: -3600 }));
    expect([none.status, expired.status]).toEqual([401, 401]);
    expect([none, expired].map((a) => a.body.errors?.[0]?.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(emulator.requests).toEqual([]);
  });

  it('stops at start-up with one line when the authority refuses the secret', async () => {
    const child = startProcess({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: 'wrong-secret', AUTH_ISSUER: authority.issuer, AUTH_AUDIENCE: API });
    expect(await child.exited).toBe(1);
    await child.closed;
    const errors = child.output.filter((line) => !line.startsWith('{'));
    expect(errors).toEqual(['Failed to start: Configuration error: AZURE_CLIENT_SECRET was refused by the authority (AADSTS7000215, invalid_client)']);
    expect(child.output.join('\n')).not.toContain('wrong-secret');
  });

  it('refuses to start without caller authentication, unless AUTH_DISABLED=true (with a warning)', async () => {
    const refused = startProcess({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: SECRET });
    expect(await refused.exited).toBe(1);
    await refused.closed;
    expect(refused.output).toEqual([expect.stringMatching(/^Configuration error: AUTH_ISSUER must be set \(with AUTH_AUDIENCE\) in GRAPH_AUTH=app/)]);

    const open = startProcess({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: SECRET, AUTH_DISABLED: 'true' });
    const [, url] = await open.waitFor(/gateway listening on (http:\/\/\S+)"/);
    expect(open.output.some((line) => line.includes('"level":"warn"') && line.includes('AUTH_DISABLED=true'))).toBe(true);
    expect((await call(new URL(url!), READ_SEED)).body.errors).toBeUndefined();
  });

  it('answers UPSTREAM_UNAVAILABLE when the authority cannot be reached', async () => {
    const deadPort = await closedPort();
    const { url, child } = await startGateway({
      GRAPH_AUTH: 'app',
      AZURE_CLIENT_ID: 'app-secret-client',
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_AUTHORITY_HOST: `https://127.0.0.1:${deadPort}`,
    });
    expect(child.output.join('\n')).toContain('authority unreachable at start-up');
    emulator.requests.length = 0;
    const { body } = await call(url, READ_SEED, await userToken(alice));
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(emulator.requests).toEqual([]);
  });
});

describe('GRAPH_AUTH=obo', () => {
  const obo = { GRAPH_AUTH: 'obo', AZURE_CLIENT_ID: 'gateway-api', AZURE_CLIENT_SECRET: OBO_SECRET };

  it('exchanges the caller’s token: Graph sees a delegated token for the same user; exchanges are cached per caller token', async () => {
    const { url } = await startGateway(obo);
    emulator.requests.length = 0;
    const aliceToken = await userToken(alice);
    const bobToken = await userToken(bob);
    for (const token of [aliceToken, aliceToken, bobToken, aliceToken]) {
      expect((await call(url, READ_SEED, token)).body.errors).toBeUndefined();
    }
    expect(emulator.requests.map((r) => [r.caller?.oid, r.caller?.kind, r.caller?.appId])).toEqual([
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
    authority.tokenDelayMs = 8_000;
    try {
      const first = await call(url, READ_SEED, token);
      expect(first.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
      expect(exchanges()).toBe(before); // answered at its deadline, while the authority was still thinking
      while (exchanges() === before) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      authority.tokenDelayMs = 0;
    }
    expect((await call(url, READ_SEED, token)).body.errors).toBeUndefined();
    expect(exchanges()).toBe(before + 1); // the exchange the first caller left was cached, not repeated
  });

  it('answers UNAUTHENTICATED with the AADSTS code when the authority will not exchange the assertion', async () => {
    // Without caller validation (AUTH_DISABLED) a forged token reaches the authority, which refuses it: invalid_grant.
    const { url } = await startGateway({ ...obo, AUTH_ISSUER: '', AUTH_AUDIENCE: '', AUTH_DISABLED: 'true' });
    emulator.requests.length = 0;
    const { body } = await call(url, READ_SEED, await userToken(alice, { foreignKey: true }));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', authority: { error: 'invalid_grant', code: 'AADSTS50013' } });
    expect(emulator.requests).toEqual([]);
  });

  it('answers FORBIDDEN with the AADSTS code when consent is missing, and calls no Graph', async () => {
    const { url, child } = await startGateway(obo);
    const carol = { ...alice, oid: 'ca201000-0000-4000-8000-000000000003' };
    authority.consentMissing.add(carol.oid);
    emulator.requests.length = 0;
    const { body } = await call(url, COMPLETE_SEED, await userToken(carol));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', authority: { error: 'invalid_grant', code: 'AADSTS65001' } });
    expect(emulator.requests).toEqual([]);
    await child.waitFor(/Graph token request failed/); // the child's log line may arrive after the answer
    const logged = child.output.filter((line) => line.includes('Graph token request failed')).map((line) => JSON.parse(line));
    expect(logged).toEqual([expect.objectContaining({ level: 'warn', code: 'FORBIDDEN', authority: expect.objectContaining({ code: 'AADSTS65001' }) })]);
  });
});

describe('the emulator checks Graph tokens', () => {
  it('refuses a token for another audience (401) and one without the permission (403), in Graph’s words', async () => {
    const { request } = await import('undici');
    const path = `${graphBaseUrl.pathname}/identityGovernance/entitlementManagement/accessPackageCatalogs/${SEED.catalogId}/accessPackageResources/${SEED.resourceId}/uploadSessions/${SEED.uploadSessionId}`;
    const get = async (token: string) => {
      const response = await request(new URL(path, graphBaseUrl), { headers: { authorization: `Bearer ${token}` } });
      return { status: response.statusCode, code: ((await response.body.json()) as { error?: { code: string } }).error?.code };
    };
    const graphAudience = graphBaseUrl.origin;
    expect(await get(await authority.issue({ aud: 'api://someone-else', roles: ['EntitlementManagement.ReadWrite.All'] }))).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(await get(await authority.issue({ aud: graphAudience, roles: ['User.Read.All'] }))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    expect(await get(await authority.issue({ aud: graphAudience, scp: 'User.Read' }))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    expect(await get(await authority.issue({ aud: graphAudience, roles: ['EntitlementManagement.ReadWrite.All'] }, { expiresIn: -600 }))).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    expect((await get(await authority.issue({ aud: graphAudience, scp: 'EntitlementManagement.ReadWrite.All' }))).status).toBe(200);
  });
});

it('never wrote a secret or a token into any log line or response', () => {
  expect(allOutput.length).toBeGreaterThan(20);
  const texts = [...allOutput, ...answers.map((a) => JSON.stringify(a))];
  for (const text of texts) {
    for (const secret of [SECRET, OBO_SECRET, 'wrong-secret']) expect(text).not.toContain(secret);
    for (const token of authority.issued) expect(text).not.toContain(token.split('.')[2]);
  }
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
