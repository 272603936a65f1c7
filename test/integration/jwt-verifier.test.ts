import { createJwtVerifier, TokenRejected } from '../../src/auth/jwt-verifier';
import { FakeAuthority } from '../support/fake-authority';

const AUDIENCE = 'api://upload-gateway';

describe('the JWT verifier shared by caller authentication and the emulator', () => {
  let authority: FakeAuthority;
  beforeAll(async () => {
    authority = await FakeAuthority.start();
  });
  afterAll(() => authority.close());

  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof TokenRejected ? { code: error.code, claim: error.claim } : error),
    );

  it('returns the claims of a valid token, with keys discovered from the issuer', async () => {
    const verify = createJwtVerifier({ jwks: undefined, issuer: authority.issuer, audiences: [AUDIENCE] });
    expect(await verify(await authority.issue({ aud: AUDIENCE, oid: 'user-1' }))).toMatchObject({ oid: 'user-1', aud: AUDIENCE });
  });

  it('tells which check a token failed: TokenRejected with jose’s code and the claim', async () => {
    const verify = createJwtVerifier({ jwks: undefined, issuer: authority.issuer, audiences: [AUDIENCE] });
    expect(await rejection(verify(await authority.issue({ aud: AUDIENCE }, { expiresIn: -600 })))).toEqual({ code: 'ERR_JWT_EXPIRED', claim: 'exp' });
    expect(await rejection(verify(await authority.issue({ aud: 'api://other' })))).toEqual({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    expect(await rejection(verify(await authority.issue({ aud: AUDIENCE }, { issuer: 'https://sts.example.com/x' })))).toEqual({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'iss',
    });
    expect(await rejection(verify('not-a-jwt'))).toEqual({ code: 'ERR_JWS_INVALID', claim: undefined });
  });

  it('accepts per-call audiences besides its own (the emulator’s host)', async () => {
    const verify = createJwtVerifier({ jwks: undefined, issuer: authority.issuer, audiences: [AUDIENCE] });
    const token = await authority.issue({ aud: 'http://127.0.0.1:1234' });
    expect(await rejection(verify(token))).toEqual({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    expect(await verify(token, ['http://127.0.0.1:1234'])).toMatchObject({ aud: 'http://127.0.0.1:1234' });
  });

  it('checks against a JWKS document without an issuer, and refuses a key it does not hold', async () => {
    const verify = createJwtVerifier({ jwks: authority.jwks(), issuer: undefined, audiences: [AUDIENCE] });
    expect(await verify(await authority.issue({ aud: AUDIENCE }, { issuer: 'https://anyone.example.com' }))).toMatchObject({ aud: AUDIENCE });
    expect(await rejection(verify(await authority.issue({ aud: AUDIENCE }, { foreignKey: true })))).toEqual({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      claim: undefined,
    });
  });

  it('fails with another error, not TokenRejected, when the keys cannot be fetched', async () => {
    const gone = await FakeAuthority.start();
    const token = await gone.issue({ aud: AUDIENCE });
    await gone.close();
    const verify = createJwtVerifier({ jwks: undefined, issuer: gone.issuer, audiences: [AUDIENCE] });
    const error = await verify(token).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeDefined();
    expect(error).not.toBeInstanceOf(TokenRejected);
    expect(error).toMatchObject({ message: expect.any(String) }); // fetch's own error (from Node's realm, not jest's)
  });

  it('needs keys or an issuer to find them', () => {
    expect(() => createJwtVerifier({ jwks: undefined, issuer: undefined, audiences: [AUDIENCE] })).toThrow(/key set or an issuer/);
  });
});
