import { randomUUID } from 'node:crypto';
import { SEED_USERS } from '../../src/emulator/catalog-roles/directory';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { FakeAuthority, TENANT_ID } from '../support/fake-authority';
import { COMPLETE_SEED, postGraphQL, SEED } from '../support/gateway';
import { spawnProcess, type Spawned } from '../support/spawn';
import { AUDIENCE, callerToken } from '../support/tenants';

jest.setTimeout(60_000);

/**
 * GRAPH_AUTH=app for many tenants with the real @azure/identity: the gateway asks the fake authority for a
 * Graph token in each caller's tenant, and the emulator, checking those tokens, answers from that tenant's
 * world. A child process, because the authority's TLS certificate is trusted through NODE_EXTRA_CA_CERTS.
 */
const HOME = TENANT_ID;
const B = randomUUID();
const SECRET = 'multi-tenant-secret-that-must-never-be-logged';

let authority: FakeAuthority;
let emulator: Emulator;
let child: Spawned;
let url: URL;

beforeAll(async () => {
  authority = await FakeAuthority.start({ tls: true });
  authority.clients.set('multi-tenant-app', { clientId: 'multi-tenant-app', secret: SECRET });
  // Keys only: each tenant's tokens carry their own issuer.
  emulator = createEmulator({ auth: { jwks: authority.jwks() } });
  const graphBaseUrl = await emulator.listen(0, '127.0.0.1');
  child = spawnProcess(process.execPath, ['dist/main.js'], {
    PORT: '0',
    HOST: '127.0.0.1',
    GRAPH_BASE_URL: graphBaseUrl.href,
    GRAPH_AUTH: 'app',
    AZURE_AUTHORITY_HOST: authority.origin,
    AZURE_TENANT_ID: HOME,
    AZURE_CLIENT_ID: 'multi-tenant-app',
    AZURE_CLIENT_SECRET: SECRET,
    AUTH_ISSUER: `${authority.origin}/{tenantid}/v2.0`,
    AUTH_TENANTS: `${HOME},${B}`,
    AUTH_AUDIENCE: AUDIENCE,
    NODE_EXTRA_CA_CERTS: authority.caCertPath!,
  });
  url = new URL((await child.waitFor(/gateway listening on (http:\/\/\S+)"/))[1]!);
});

afterAll(async () => {
  child?.child.kill('SIGKILL');
  await child?.closed;
  await emulator.close();
  await authority.close();
});

it('tenant B’s owner completes B’s session with a Graph token issued for B; A’s world is untouched', async () => {
  emulator.requests.length = 0;
  const token = await callerToken(authority, { tid: B, oid: SEED_USERS.owner });
  const answer = await postGraphQL(url, COMPLETE_SEED, undefined, { authorization: `Bearer ${token}` });
  expect(answer.body.errors).toBeUndefined();
  // The catalog role, read in B with the gateway's own identity, then the session's PATCH (and its files): all in B.
  expect(emulator.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET']);
  for (const request of emulator.requests) expect([request.tenant, request.caller?.tid, request.caller?.appId]).toEqual([B, B, 'multi-tenant-app']);
  expect(emulator.requests[0]!.path).toBe('/v1.0/roleManagement/entitlementManagement/roleAssignments');
  expect(authority.requests.filter((r) => r.grantType === 'client_credentials').map((r) => [r.tenant, r.status])).toContainEqual([B, 200]);
  expect(emulator.worlds.of(HOME).store.get(SEED)?.isUploadDone).toBe(false);
  expect(child.output.join('\n')).not.toContain(SECRET);
});

it('the same oid as a stranger of the home tenant is refused there: FORBIDDEN, no PATCH', async () => {
  emulator.requests.length = 0;
  const token = await callerToken(authority, { tid: HOME, oid: SEED_USERS.stranger });
  const answer = await postGraphQL(url, COMPLETE_SEED, undefined, { authorization: `Bearer ${token}` });
  expect(answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(emulator.requests.map((r) => [r.method, r.caller?.tid])).toEqual([['GET', HOME]]);
});
