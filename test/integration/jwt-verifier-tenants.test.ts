import { randomUUID } from 'node:crypto';
import { createJwtVerifier, TokenRejected } from '../../src/auth/jwt-verifier';
import { FakeAuthority } from '../support/fake-authority';

/** The verifier with a templated issuer, over a key set given inline (the emulator's way) and fetched (the gateway's). */
const A = randomUUID();
const B = randomUUID();
let authority: FakeAuthority;
beforeAll(async () => {
  authority = await FakeAuthority.start();
});
afterAll(() => authority.close());

const token = (tid: string, options: { issuer?: string; kid?: string } = {}) =>
  authority.issue({ tid, oid: randomUUID(), aud: 'api://x' }, { issuer: authority.issuerOf(tid), ...options });

it.each(['inline', 'fetched'] as const)('with a %s key set: iss is the template with the tid; a key naming an issuer signs only for it', async (how) => {
  const fixedKey = await authority.addKey('RS256', { issuer: authority.issuerOf(A) });
  const jwks = how === 'inline' ? authority.jwks() : new URL(`${authority.origin}/organizations/discovery/v2.0/keys`);
  const verify = createJwtVerifier({ jwks, issuer: `${authority.origin}/{tenantid}/v2.0`, audiences: ['api://x'], cooldownMs: 0 });
  await expect(verify(await token(B))).resolves.toMatchObject({ tid: B });
  await expect(verify(await token(A, { kid: fixedKey }))).resolves.toMatchObject({ tid: A });
  const refusals = [await token(A, { issuer: authority.issuerOf(B) }), await token(B, { kid: fixedKey }), await token('common')];
  for (const refused of refusals) await expect(verify(refused)).rejects.toBeInstanceOf(TokenRejected);
});

it('discovers the keys of a templated issuer from the organizations document', async () => {
  const verify = createJwtVerifier({ jwks: undefined, issuer: `${authority.origin}/{tenantid}/v2.0`, audiences: ['api://x'] });
  await expect(verify(await token(A))).resolves.toMatchObject({ tid: A });
});
