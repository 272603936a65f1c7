import { request } from 'undici';
import { fingerprint } from '../../src/emulator/server/emulator-server';
import { FakeAuthority, TENANT_ID } from '../support/fake-authority';
import { postGraphQL, SEED, startTestGateway, type TestGateway } from '../support/gateway';

const AUDIENCE = 'api://upload-gateway';
const READ_SEED = `{ uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") { id } }`;
const USER = { oid: 'aaaaaaaa-0000-4000-8000-000000000001', tid: TENANT_ID, azp: 'spa-client-id', scp: 'UploadSessions.Complete' };

describe('caller authentication (jose, against a fake issuer)', () => {
  let authority: FakeAuthority;
  let t: TestGateway;
  beforeAll(async () => {
    authority = await FakeAuthority.start();
    t = await startTestGateway({
      AUTH_ISSUER: authority.issuer,
      AUTH_AUDIENCE: `other-audience,${AUDIENCE}`,
      AUTH_REQUIRED_SCOPES: 'UploadSessions.Complete',
      AUTH_JWKS_COOLDOWN_MS: '0',
    });
  });
  afterAll(async () => {
    await t.stop();
    await authority.close();
  });
  beforeEach(() => {
    t.emulator.requests.length = 0;
  });

  const call = (token?: string) => postGraphQL(t.url, READ_SEED, undefined, token === undefined ? {} : { authorization: `Bearer ${token}` });
  const expectRefused = async (token: string | undefined, code: 'UNAUTHENTICATED' | 'FORBIDDEN') => {
    const { status, body, headers } = await call(token);
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
    expect(body.data).toBeUndefined();
    expect(status).toBe(code === 'UNAUTHENTICATED' ? 401 : 403);
    if (code === 'UNAUTHENTICATED') expect(headers['www-authenticate']).toBe('Bearer');
    expect(t.emulator.requests).toEqual([]); // refused before any Graph call
  };

  it('accepts a valid token (issuer discovered from its OpenID configuration) and logs who called', async () => {
    const { body } = await call(await authority.issue({ ...USER, aud: AUDIENCE }));
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ uploadSession: { id: SEED.uploadSessionId } });
    const line = t.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'Graph call' && l.caller);
    expect(line.caller).toEqual({ oid: USER.oid, tid: TENANT_ID, appId: 'spa-client-id', principal: 'user' });
  });

  it('accepts PS256 and ES256 signatures', async () => {
    await authority.addKey('PS256');
    await authority.addKey('ES256');
    for (const alg of ['PS256', 'ES256'] as const) {
      const { body } = await call(await authority.issue({ ...USER, aud: AUDIENCE }, { alg }));
      expect(body.errors).toBeUndefined();
    }
  });

  it('refuses a request without a token', () => expectRefused(undefined, 'UNAUTHENTICATED'));
  it('refuses garbage', () => expectRefused('not-a-jwt', 'UNAUTHENTICATED'));

  it('refuses an expired token (beyond the clock skew)', async () =>
    expectRefused(await authority.issue({ ...USER, aud: AUDIENCE }, { expiresIn: -120 }), 'UNAUTHENTICATED'));

  it('tolerates a small clock skew', async () => {
    const { body } = await call(await authority.issue({ ...USER, aud: AUDIENCE }, { expiresIn: -20 }));
    expect(body.errors).toBeUndefined();
  });

  it('refuses a token not yet valid', async () =>
    expectRefused(await authority.issue({ ...USER, aud: AUDIENCE }, { notBefore: Math.floor(Date.now() / 1000) + 600 }), 'UNAUTHENTICATED'));

  it('refuses a token from another issuer', async () =>
    expectRefused(await authority.issue({ ...USER, aud: AUDIENCE }, { issuer: 'https://sts.example.com/evil/v2.0' }), 'UNAUTHENTICATED'));

  it('refuses a token for another audience (e.g. a Graph token)', async () =>
    expectRefused(await authority.issue({ ...USER, aud: 'https://graph.microsoft.com' }), 'UNAUTHENTICATED'));

  it('refuses a forged signature', async () =>
    expectRefused(await authority.issue({ ...USER, aud: AUDIENCE }, { foreignKey: true }), 'UNAUTHENTICATED'));

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await authority.issue({ ...USER, aud: AUDIENCE })).split('.');
    const payload = Buffer.from(JSON.stringify({ ...USER, aud: AUDIENCE, iss: authority.issuer, exp: 9_999_999_999, scp: 'Everything' })).toString('base64url');
    await expectRefused(`${header}.${payload}.${signature}`, 'UNAUTHENTICATED');
  });

  it('refuses alg: none', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...USER, aud: AUDIENCE, iss: authority.issuer, exp: now + 600 })}.`;
    await expectRefused(unsigned, 'UNAUTHENTICATED');
  });

  it('refuses HMAC signed with the issuer’s public key as the secret', async () => {
    const { SignJWT } = await import('jose');
    const publicJwk = JSON.stringify(authority.jwks().keys[0]);
    const token = await new SignJWT({ ...USER, aud: AUDIENCE })
      .setProtectedHeader({ alg: 'HS256', kid: authority.jwks().keys[0]!.kid })
      .setIssuer(authority.issuer)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(publicJwk));
    await expectRefused(token, 'UNAUTHENTICATED');
  });

  it('answers FORBIDDEN when a required scope is missing', async () =>
    expectRefused(await authority.issue({ ...USER, scp: 'User.Read', aud: AUDIENCE }), 'FORBIDDEN'));

  it('accepts a token signed with a rotated key: an unknown kid refreshes the JWKS', async () => {
    expect((await call(await authority.issue({ ...USER, aud: AUDIENCE }))).body.errors).toBeUndefined();
    const downloads = authority.jwksDownloads;
    await authority.rotateKeys();
    const { body } = await call(await authority.issue({ ...USER, aud: AUDIENCE }));
    expect(body.errors).toBeUndefined();
    expect(authority.jwksDownloads).toBe(downloads + 1);
  });

  it('never writes a token into a log line or a response', async () => {
    const token = await authority.issue({ ...USER, aud: AUDIENCE });
    const expired = await authority.issue({ ...USER, aud: AUDIENCE }, { expiresIn: -3600 });
    const answers = [await call(token), await call(expired)];
    const metrics = await (await request(new URL('/metrics', t.url))).body.text();
    expect(metrics).toMatch(/gateway_graphql_operations_total\{operation="caller-refused",code="UNAUTHENTICATED"\} [1-9]/);
    for (const text of [...t.logs, metrics, ...answers.map((a) => JSON.stringify(a))]) {
      for (const secret of [token, expired]) expect(text).not.toContain(secret.split('.')[2]);
    }
  });
});

describe('caller authentication: JWKS refresh is rate-limited and roles are enforced', () => {
  let authority: FakeAuthority;
  let t: TestGateway;
  beforeAll(async () => {
    authority = await FakeAuthority.start();
    t = await startTestGateway({
      AUTH_ISSUER: authority.issuer,
      AUTH_JWKS_URI: authority.jwksUri,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_REQUIRED_ROLES: 'UploadSessions.Manage',
    });
  });
  afterAll(async () => {
    await t.stop();
    await authority.close();
  });

  it('answers FORBIDDEN when a required role is missing', async () => {
    const { body, status } = await call(await authority.issue({ ...USER, aud: AUDIENCE, roles: ['Other'] }));
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('downloads the JWKS at most once per cooldown however many unknown kids arrive', async () => {
    const good = await authority.issue({ ...USER, aud: AUDIENCE, roles: ['UploadSessions.Manage'] });
    expect((await call(good)).body.errors).toBeUndefined();
    await authority.rotateKeys();
    for (let i = 0; i < 5; i++) {
      const { body } = await call(await authority.issue({ ...USER, aud: AUDIENCE, roles: ['UploadSessions.Manage'] }));
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(authority.jwksDownloads).toBe(1);
  });

  const call = (token: string) => postGraphQL(t.url, READ_SEED, undefined, { authorization: `Bearer ${token}` });
});

describe('caller authentication when the issuer cannot be reached', () => {
  it('answers UPSTREAM_UNAVAILABLE, not UNAUTHENTICATED, and calls no Graph', async () => {
    const authority = await FakeAuthority.start();
    const token = await authority.issue({ ...USER, aud: AUDIENCE });
    await authority.close();
    const t = await startTestGateway({ AUTH_ISSUER: authority.issuer, AUTH_AUDIENCE: AUDIENCE });
    try {
      const { body, status } = await postGraphQL(t.url, READ_SEED, undefined, { authorization: `Bearer ${token}` });
      expect(status).toBe(503);
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(t.emulator.requests).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});

describe('caller authentication in passthrough mode', () => {
  it('checks the forwarded token first, then forwards it unchanged', async () => {
    const authority = await FakeAuthority.start();
    const t = await startTestGateway({ GRAPH_AUTH: 'passthrough', AUTH_ISSUER: authority.issuer, AUTH_AUDIENCE: 'https://graph.example.test' });
    try {
      const good = await authority.issue({ ...USER, aud: 'https://graph.example.test' });
      const ok = await postGraphQL(t.url, READ_SEED, undefined, { authorization: `Bearer ${good}` });
      expect(ok.body.errors).toBeUndefined();
      expect(t.emulator.requests.at(-1)?.tokenFingerprint).toBe(fingerprint(`Bearer ${good}`));
      const before = t.emulator.requests.length;
      const bad = await postGraphQL(t.url, READ_SEED, undefined, { authorization: `Bearer ${await authority.issue({ ...USER, aud: AUDIENCE })}` });
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(t.emulator.requests.length).toBe(before);
    } finally {
      await t.stop();
      await authority.close();
    }
  });
});
