import { AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import { authorityRequestError } from '../../src/auth/authority-failure';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';

const consent =
  'invalid_grant: Error(s): 65001 - Timestamp: 2026-11-28 10:00:00Z - Description: AADSTS65001: The user or administrator has not consented to use the application. Trace ID: 0f1e2d3c-0000-4000-8000-000000000000 Correlation ID: 1a2b3c4d-0000-4000-8000-000000000000';

describe('authority failures', () => {
  it.each([
    ['consent missing (MSAL message)', new AuthenticationRequiredError({ scopes: ['x'], message: consent }), 'FORBIDDEN', 'invalid_grant', 'AADSTS65001'],
    [
      'an expired assertion',
      new AuthenticationError(400, { error: 'invalid_grant', error_description: 'AADSTS500133: Assertion is not within its valid time range.' }),
      'UNAUTHENTICATED',
      'invalid_grant',
      'AADSTS500133',
    ],
    [
      'MFA required',
      new AuthenticationError(400, { error: 'interaction_required', error_description: 'AADSTS50076: Due to a configuration change you must use multi-factor authentication.' }),
      'UNAUTHENTICATED',
      'interaction_required',
      'AADSTS50076',
    ],
    [
      'the gateway’s own secret refused',
      new AuthenticationError(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' }),
      'UPSTREAM_ERROR',
      'invalid_client',
      'AADSTS7000215',
    ],
    ['the authority unreachable', new CredentialUnavailableError('endpoints_resolution_error: connect ECONNREFUSED 127.0.0.1:443'), 'UPSTREAM_UNAVAILABLE', null, null],
  ])('%s → %s with the AADSTS code in extensions', (_name, error, code, oauthError, aadsts) => {
    const mapped = toGraphQLError(authorityRequestError(error));
    expect(mapped.extensions).toMatchObject({ code, authority: { error: oauthError, code: aadsts } });
    expect(mapped.message).not.toMatch(/AADSTS|Trace ID/); // the code travels in extensions; the description never
  });

  it('keeps trace and correlation ids for support, and no description text', () => {
    const mapped = toGraphQLError(authorityRequestError(new AuthenticationRequiredError({ scopes: ['x'], message: consent })));
    expect(mapped.extensions.authority).toEqual({
      error: 'invalid_grant',
      code: 'AADSTS65001',
      traceId: '0f1e2d3c-0000-4000-8000-000000000000',
      correlationId: '1a2b3c4d-0000-4000-8000-000000000000',
    });
    expect(JSON.stringify(mapped)).not.toContain('has not consented');
  });

  it('maps an abort (the request’s deadline) to UPSTREAM_TIMEOUT', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(toGraphQLError(authorityRequestError(abort)).extensions.code).toBe('UPSTREAM_TIMEOUT');
  });
});
