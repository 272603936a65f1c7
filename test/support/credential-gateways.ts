import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { FakeAuthority, TENANT_ID, type IssueOptions } from './fake-authority';
import { postGraphQL, SEED, type GraphQLAnswer } from './gateway';
import { spawnProcess, type Spawned } from './spawn';

/**
 * The built gateway as a child process against a fake Entra authority (TLS) and an emulator that checks Graph
 * tokens with its keys (test/e2e/graph-credentials*.test.ts). Every line a child wrote and every answer is kept,
 * so that a file can prove at its end that no secret or token leaked.
 */

export const API = 'api://upload-gateway';
export const SECRET = 'app-secret-value-that-must-never-be-logged';
export const OBO_SECRET = 'obo-secret-value-that-must-never-be-logged';
export const READ_SEED = `{ uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") { id } }`;
export const alice = { oid: 'a11ce000-0000-4000-8000-000000000001', tid: TENANT_ID, azp: 'spa-client', scp: 'access_as_user', name: 'Alice' };
export const bob = { ...alice, oid: 'b0b00000-0000-4000-8000-000000000002', name: 'Bob' };

/** Starts the authority and the emulator before the file's tests, kills each test's children after it. */
export function credentialGatewaysPerFile() {
  const children: Spawned[] = [];
  const answers: unknown[] = [];
  const allOutput: string[] = [];
  const setup = {
    authority: undefined as unknown as FakeAuthority,
    emulator: undefined as unknown as Emulator,
    graphBaseUrl: undefined as unknown as URL,
    certificatePath: '',

    startProcess(env: Record<string, string>): Spawned {
      const child = spawnProcess(process.execPath, ['dist/main.js'], {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
        GRAPH_BASE_URL: setup.graphBaseUrl.href,
        AZURE_AUTHORITY_HOST: setup.authority.origin,
        AZURE_TENANT_ID: TENANT_ID,
        NODE_EXTRA_CA_CERTS: setup.authority.caCertPath!, // read by Node at start: why the gateway runs as a child process here
        ...env,
      });
      children.push(child);
      child.child.on('close', () => allOutput.push(...child.output));
      return child;
    },

    async startGateway(env: Record<string, string>): Promise<{ url: URL; child: Spawned }> {
      // These tests are about credentials: catalog roles have their own (catalog-authorization, tenant-credentials).
      const child = setup.startProcess({ AUTH_ISSUER: setup.authority.issuer, AUTH_AUDIENCE: API, CATALOG_AUTHORIZATION: 'off', ...env });
      const [, url] = await child.waitFor(/gateway listening on (http:\/\/\S+)"/);
      return { url: new URL(url!), child };
    },

    async call(url: URL, query: string, token?: string): Promise<GraphQLAnswer> {
      const answer = await postGraphQL(url, query, undefined, token ? { authorization: `Bearer ${token}` } : {});
      answers.push(answer);
      return answer;
    },

    userToken: (user: JWTPayload, options: IssueOptions = {}) => setup.authority.issue({ ...user, aud: API }, options),
    tokenRequests: (grant: string, clientId: string) => setup.authority.requests.filter((r) => r.grantType.endsWith(grant) && r.clientId === clientId),

    /** The file's last test: no secret and no token in any child's output or any answer. */
    itLeaksNothing(): void {
      it('never wrote a secret or a token into any log line or response', () => {
        expect(allOutput.length).toBeGreaterThan(10);
        const texts = [...allOutput, ...answers.map((a) => JSON.stringify(a))];
        for (const text of texts) {
          for (const secret of [SECRET, OBO_SECRET, 'wrong-secret']) expect(text).not.toContain(secret);
          for (const token of setup.authority.issued) expect(text).not.toContain(token.split('.')[2]);
        }
      });
    },
  };

  beforeAll(async () => {
    const authority = await FakeAuthority.start({ tls: true });
    const certificate = authority.makeCertificate('gateway-app');
    authority.clients.set('app-secret-client', { clientId: 'app-secret-client', secret: SECRET });
    authority.clients.set('app-cert-client', { clientId: 'app-cert-client', certificatePem: certificate.certPem });
    authority.clients.set('app-wi-client', { clientId: 'app-wi-client', federated: true });
    authority.clients.set('gateway-api', { clientId: 'gateway-api', secret: OBO_SECRET, apiAudience: API });
    setup.authority = authority;
    setup.certificatePath = certificate.pemPath;
    // The emulator checks Graph tokens with the authority's keys, as Graph would.
    setup.emulator = createEmulator({ auth: { jwks: authority.jwks(), issuer: authority.issuer } });
    setup.graphBaseUrl = await setup.emulator.listen(0, '127.0.0.1');
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.child.kill('SIGKILL');
      await child.closed;
    }
  });

  afterAll(async () => {
    await setup.emulator.close();
    await setup.authority.close();
  });
  return setup;
}
