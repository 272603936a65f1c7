import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { EMULATOR_CALLER_AUDIENCE, EMULATOR_DEFAULT_TENANT } from '../../src/config/emulator';
import { callerIssuer } from '../../src/emulator/control/caller-tokens';
import { loadConfig, loadEmulatorConfig } from '../../src/config';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { startGateway, type Gateway } from '../../src/gateway';
import { createLogger } from '../../src/logger';
import { postGraphQL, SEED } from '../support/gateway';
import { COMPLETE, READ, REVIEWS } from '../support/tenants';

/**
 * The emulator's test-only caller tokens (docs/emulator.md, "Caller tokens"): a gateway whose AUTH_ISSUER is the
 * emulator's caller issuer accepts them, and its catalog roles (CATALOG_AUTHORIZATION=graph) tell the seeded
 * owner, reader and stranger apart. Over real HTTP, the gateway discovering the keys from the issuer.
 */
let emulator: Emulator;
let emulatorUrl: URL;
let issuer: string;
let gateway: Gateway;
beforeAll(async () => {
  // The emulator listens first: the gateway's AUTH_ISSUER is at its origin, as the example server does it.
  emulator = createEmulator({ callerTokens: true });
  emulatorUrl = await emulator.listen(0, '127.0.0.1');
  issuer = callerIssuer(emulatorUrl.origin, EMULATOR_DEFAULT_TENANT);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', GRAPH_BASE_URL: emulatorUrl.href, AUTH_ISSUER: issuer, AUTH_AUDIENCE: EMULATOR_CALLER_AUDIENCE, CATALOG_AUTHORIZATION: 'graph' });
  gateway = await startGateway(config, createLogger('silent'));
});
afterAll(async () => {
  await gateway?.stop();
  await emulator?.close();
});

/** A new active session in the seed catalog's resource of the default tenant's world. */
function newSession(): { catalogId: string; resourceId: string; uploadSessionId: string } {
  const session = emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId });
  return session.key;
}

async function mint(json: Record<string, unknown>, base = emulatorUrl): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await request(new URL('/_emulator/caller-tokens', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

async function tokenFor(user: string): Promise<string> {
  const { status, body } = await mint({ user });
  expect(status).toBe(200);
  return String(body.access_token);
}

it('answers an OAuth token response, its issuer serves the OpenID configuration and the key that signed it', async () => {
  const { status, body } = await mint({ user: 'reader' });
  expect(status).toBe(200);
  expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
  const [header, payload] = String(body.access_token).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part!, 'base64url').toString('utf8')));
  expect(payload).toMatchObject({ iss: issuer, tid: EMULATOR_DEFAULT_TENANT, oid: 'b0000000-0000-4000-8000-00000000000b', aud: EMULATOR_CALLER_AUDIENCE, scp: 'access_as_user' });
  const discovery = await (await request(`${issuer}/.well-known/openid-configuration`)).body.json();
  expect(discovery).toMatchObject({ issuer, jwks_uri: expect.stringMatching(/\/_emulator\/callers\/keys$/) });
  const keys = (await (await request((discovery as { jwks_uri: string }).jwks_uri)).body.json()) as { keys: { kid: string }[] };
  expect(keys.keys.map((key) => key.kid)).toEqual([header.kid]);
  const organizations = await (await request(callerIssuer(emulatorUrl.origin, 'organizations') + '/.well-known/openid-configuration')).body.json();
  expect(organizations).toMatchObject({ issuer: callerIssuer(emulatorUrl.origin, '{tenantid}') });
});

it("mints nothing when NODE_ENV=production (npm run emulator's config), nor by default (the gateway's embedded emulator): 404", async () => {
  expect(loadEmulatorConfig({}).callerTokens).toBe(false);
  expect(loadEmulatorConfig({ EMULATOR_CALLER_TOKENS: 'true' }).callerTokens).toBe(true);
  expect(() => loadEmulatorConfig({ EMULATOR_CALLER_TOKENS: 'true', NODE_ENV: 'production' })).toThrow('EMULATOR_CALLER_TOKENS');
  const without = createEmulator();
  const base = await without.listen(0, '127.0.0.1');
  try {
    expect(await mint({ user: 'owner' }, base)).toEqual({ status: 404, body: { error: expect.objectContaining({ message: expect.stringContaining('mints no caller tokens') }) } });
    expect((await request(`${callerIssuer(base.origin, EMULATOR_DEFAULT_TENANT)}/.well-known/openid-configuration`)).statusCode).toBe(404);
  } finally {
    await without.close();
  }
});

it('refuses an unknown user and a tenant that is not a GUID, 400', async () => {
  expect((await mint({ user: 'admin' })).status).toBe(400);
  expect((await mint({ user: 'owner', tenant: 'contoso' })).status).toBe(400);
});

describe("a gateway trusting the emulator's caller issuer, with CATALOG_AUTHORIZATION=graph", () => {
  const as = async (user: string, query: string, variables: Record<string, unknown>) => postGraphQL(gateway.url, query, variables, { authorization: `Bearer ${await tokenFor(user)}` });
  const code = (answer: Awaited<ReturnType<typeof as>>) => answer.body.errors?.[0]?.extensions?.code;

  it("accepts the reader's token: the reader reads, but its completeUploadSession is FORBIDDEN, and the owner's succeeds", async () => {
    const session = newSession();
    expect((await as('reader', READ, session)).body).toEqual({ data: { uploadSession: { id: session.uploadSessionId, isUploadDone: false } } });
    const refused = await as('reader', COMPLETE, { input: session });
    expect(code(refused)).toBe('FORBIDDEN');
    expect(refused.body.errors?.[0]?.message).toContain(`Catalog owner role on catalog ${SEED.catalogId}`);
    expect(emulator.store.get(session)!.isUploadDone).toBe(false);
    const completed = await as('owner', COMPLETE, { input: session });
    expect(completed.body).toEqual({ data: { completeUploadSession: { id: session.uploadSessionId, isUploadDone: true } } });
  });

  it('the stranger is refused reads, FORBIDDEN', async () => {
    const session = newSession();
    expect(code(await as('stranger', READ, session))).toBe('FORBIDDEN');
    expect(code(await as('stranger', REVIEWS, session))).toBe('FORBIDDEN');
  });

  it('an oid granted a role gets a token by its oid, and a token of another tenant is refused 401', async () => {
    const oid = randomUUID();
    emulator.worlds.default.directory.grant(SEED.catalogId, oid, 'user', 'reader');
    const session = newSession();
    expect(code(await as(oid, READ, session))).toBeUndefined();
    const other = await mint({ user: 'owner', tenant: randomUUID() });
    expect((await postGraphQL(gateway.url, READ, session, { authorization: `Bearer ${String(other.body.access_token)}` })).status).toBe(401);
  });
});
