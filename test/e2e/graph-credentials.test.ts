import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { alice, API, credentialGatewaysPerFile, READ_SEED, SECRET } from '../support/credential-gateways';
import { MANAGED_IDENTITY_HEADER, TENANT_ID } from '../support/fake-authority';
import { SEED } from '../support/gateway';

/** GRAPH_AUTH=app: each way the gateway proves itself to the authority (obo: graph-credentials-obo.test.ts). */

jest.setTimeout(60_000);

const setup = credentialGatewaysPerFile();
const { startProcess, startGateway, call, userToken, tokenRequests } = setup;

describe('GRAPH_AUTH=app', () => {
  it('with a client secret: calls Graph with an application token, obtained once and reused', async () => {
    const { url, child } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: SECRET });
    expect(child.output.join('\n')).toContain('Graph credential: app credential client-secret');
    setup.emulator.requests.length = 0;
    const token = await userToken(alice);
    const first = await call(url, READ_SEED, token);
    const second = await call(url, READ_SEED, token);
    expect(first.body.errors).toBeUndefined();
    expect(second.body.data).toEqual({ uploadSession: { id: SEED.uploadSessionId } });
    expect(setup.emulator.requests.map((r) => r.caller)).toEqual([
      { oid: 'sp-app-secret-client', tid: TENANT_ID, appId: 'app-secret-client', kind: 'app' },
      { oid: 'sp-app-secret-client', tid: TENANT_ID, appId: 'app-secret-client', kind: 'app' },
    ]);
    // One token at start-up (the credential check), none per request.
    expect(tokenRequests('client_credentials', 'app-secret-client')).toEqual([{ grantType: 'client_credentials', tenant: TENANT_ID, clientId: 'app-secret-client', clientAuth: 'secret', status: 200 }]);
  });

  it('with a certificate: signs a client assertion the authority verifies', async () => {
    const { url } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-cert-client', AZURE_CLIENT_CERTIFICATE_PATH: setup.certificatePath });
    const { body } = await call(url, READ_SEED, await userToken(alice));
    expect(body.errors).toBeUndefined();
    expect(tokenRequests('client_credentials', 'app-cert-client').map((r) => [r.clientAuth, r.status])).toEqual([['assertion', 200]]);
    expect(setup.emulator.requests.at(-1)?.caller).toMatchObject({ appId: 'app-cert-client', kind: 'app' });
  });

  it('with workload identity: presents the federated token file', async () => {
    const file = setup.authority.tempFile('federated-token');
    writeFileSync(file, await setup.authority.issue({ aud: 'api://AzureADTokenExchange', sub: 'system:serviceaccount:gateway:gateway' }));
    const { url } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-wi-client', AZURE_FEDERATED_TOKEN_FILE: file });
    const { body } = await call(url, READ_SEED, await userToken(alice));
    expect(body.errors).toBeUndefined();
    expect(setup.emulator.requests.at(-1)?.caller).toMatchObject({ appId: 'app-wi-client', kind: 'app' });
  });

  it('with a managed identity: asks the platform’s identity endpoint (App Service style), for a user-assigned identity', async () => {
    const { url, child } = await startGateway({
      GRAPH_AUTH: 'app',
      AZURE_MANAGED_IDENTITY: 'true',
      AZURE_CLIENT_ID: 'user-assigned-id',
      // Read by MSAL itself, as on App Service: where the platform serves managed identity tokens.
      IDENTITY_ENDPOINT: `${setup.authority.origin}/msi/token`,
      IDENTITY_HEADER: MANAGED_IDENTITY_HEADER,
    });
    expect(child.output.join('\n')).toContain('Graph credential: app credential managed-identity');
    const { body } = await call(url, READ_SEED, await userToken(alice));
    expect(body.errors).toBeUndefined();
    expect(setup.emulator.requests.at(-1)?.caller).toMatchObject({ appId: 'user-assigned-id', kind: 'app' });
    expect(setup.authority.requests.filter((r) => r.grantType === 'managed_identity').map((r) => r.status)).toEqual([200]);
  });

  it('refreshes a token before it expires, not after a 401', async () => {
    setup.authority.graphTokenLifetime = 240; // inside MSAL's five-minute renewal margin: every use renews
    try {
      const { url } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: SECRET });
      const before = tokenRequests('client_credentials', 'app-secret-client').length;
      setup.emulator.requests.length = 0;
      const token = await userToken(alice);
      for (let i = 0; i < 2; i++) expect((await call(url, READ_SEED, token)).body.errors).toBeUndefined();
      expect(tokenRequests('client_credentials', 'app-secret-client').length).toBe(before + 2);
      expect(setup.emulator.requests.map((r) => r.status)).toEqual([200, 200]);
    } finally {
      setup.authority.graphTokenLifetime = 3600;
    }
  });

  it('refuses callers without a valid token before spending its credential', async () => {
    const { url } = await startGateway({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: SECRET });
    setup.emulator.requests.length = 0;
    const none = await call(url, READ_SEED);
    const expired = await call(url, READ_SEED, await userToken(alice, { expiresIn: -3600 }));
    expect([none.status, expired.status]).toEqual([401, 401]);
    expect([none, expired].map((a) => a.body.errors?.[0]?.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(setup.emulator.requests).toEqual([]);
  });

  it('stops at start-up with one line when the authority refuses the secret', async () => {
    const child = startProcess({ GRAPH_AUTH: 'app', AZURE_CLIENT_ID: 'app-secret-client', AZURE_CLIENT_SECRET: 'wrong-secret', AUTH_ISSUER: setup.authority.issuer, AUTH_AUDIENCE: API });
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
    setup.emulator.requests.length = 0;
    const { body } = await call(url, READ_SEED, await userToken(alice));
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(setup.emulator.requests).toEqual([]);
  });
});

setup.itLeaksNothing();

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
