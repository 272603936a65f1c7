import { issuerMismatch, keyIssuerMismatch, tenantListed } from '../../src/auth/issuer-template';

const TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const A = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const B = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const issuerOf = (tid: string) => `https://login.microsoftonline.com/${tid}/v2.0`;

describe('a templated issuer (Microsoft’s rule for multi-tenant apps)', () => {
  it('takes iss equal to the template with exactly the token’s tid', () => {
    expect(issuerMismatch(TEMPLATE, issuerOf(A), A)).toBeUndefined();
  });

  it.each([
    ['another tenant’s iss', issuerOf(B), A, 'iss-of-another-tenant'],
    ['the template itself', TEMPLATE, A, 'iss-of-another-tenant'],
    ['iss differing in case', issuerOf(A.toUpperCase()), A, 'iss-of-another-tenant'],
    ['a v1 iss for a v2 template', `https://sts.windows.net/${A}/`, A, 'iss-of-another-tenant'],
    ['a trailing slash', `${issuerOf(A)}/`, A, 'iss-of-another-tenant'],
    ['a tid that is no GUID', issuerOf('common'), 'common', 'tid-not-a-guid'],
    ['no tid', issuerOf(A), undefined, 'tid-not-a-guid'],
    ['a tid that is not a string', issuerOf(A), 42, 'tid-not-a-guid'],
  ])('refuses %s', (_what, iss, tid, why) => {
    expect(issuerMismatch(TEMPLATE, iss, tid)).toBe(why);
  });
});

describe('a fixed issuer', () => {
  it('naming a tenant refuses another tid (jose has compared iss already)', () => {
    expect(issuerMismatch(issuerOf(A), issuerOf(A), A)).toBeUndefined();
    expect(issuerMismatch(issuerOf(A), issuerOf(A), A.toUpperCase())).toBeUndefined();
    expect(issuerMismatch(issuerOf(A), issuerOf(A), B)).toBe('iss-of-another-tenant');
  });

  it('naming none (another issuer), or a token without tid, leaves the tenant to AUTH_TENANTS', () => {
    expect(issuerMismatch('https://auth.example.com/', 'https://auth.example.com/', B)).toBeUndefined();
    expect(issuerMismatch(issuerOf(A), issuerOf(A), undefined)).toBeUndefined();
  });
});

describe('a key that names an issuer', () => {
  it('a templated one signs for the token’s tenant only after substituting its tid', () => {
    expect(keyIssuerMismatch(TEMPLATE, issuerOf(A), A)).toBeUndefined();
    expect(keyIssuerMismatch(TEMPLATE, issuerOf(B), A)).toBe('key-of-another-issuer');
    expect(keyIssuerMismatch(TEMPLATE, issuerOf('x'), 'x')).toBe('key-of-another-issuer');
  });

  it('a fixed one signs for its own issuer only', () => {
    expect(keyIssuerMismatch(issuerOf(A), issuerOf(A), A)).toBeUndefined();
    expect(keyIssuerMismatch(issuerOf(A), issuerOf(B), B)).toBe('key-of-another-issuer');
  });

  it('none: whoever its key set serves; anything but a string: refused', () => {
    expect(keyIssuerMismatch(undefined, issuerOf(B), B)).toBeUndefined();
    expect(keyIssuerMismatch(['x'], issuerOf(B), B)).toBe('key-of-another-issuer');
  });
});

it('AUTH_TENANTS: a GUID tid on the list, in any case; every tenant without a list', () => {
  expect(tenantListed([A], A.toUpperCase())).toBe(true);
  expect(tenantListed([A], B)).toBe(false);
  expect(tenantListed([A], undefined)).toBe(false);
  expect(tenantListed(['organizations'], 'organizations')).toBe(false);
  expect(tenantListed(undefined, 'anything')).toBe(true);
});
