/** How getting a Graph token from the authority (Entra) failed, as observed. */
export interface AuthorityFailure {
  /** `rejected`: the authority answered with an OAuth error; `unreachable`: no usable answer; `aborted`: the deadline passed. */
  kind: 'rejected' | 'unreachable' | 'aborted';
  message: string;
  /** The OAuth `error`, e.g. invalid_grant. */
  oauthError?: string;
  /** Entra's own code, e.g. AADSTS65001. */
  aadsts?: string;
  traceId?: string;
  correlationId?: string;
}

/** The one error type token acquisition throws: facts about the failure, interpreted only in the GraphQL layer. */
export class AuthorityRequestError extends Error {
  constructor(readonly failure: AuthorityFailure) {
    super(failure.message);
    this.name = 'AuthorityRequestError';
  }
}

const OAUTH_ERRORS = /\b(invalid_grant|invalid_client|unauthorized_client|consent_required|interaction_required|invalid_scope|invalid_request|unsupported_grant_type)\b/;

/**
 * Reads what @azure/identity threw into facts. Its errors differ by credential and by where MSAL failed
 * (an AuthenticationError with the OAuth body, or a message carrying MSAL's "error: … AADSTS…" text),
 * so both the structured body and the message chain are read. No OAuth error means no usable answer.
 */
export function authorityRequestError(error: unknown): AuthorityRequestError {
  if (error instanceof AuthorityRequestError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new AuthorityRequestError({ kind: 'aborted', message: 'token request aborted' });
  }
  const response = (error as { errorResponse?: { error?: string; errorDescription?: string; traceId?: string; correlationId?: string } })
    .errorResponse;
  const text = [response?.error, response?.errorDescription, ...messageChain(error)].filter(Boolean).join(' ');
  const oauthError = (response?.error && OAUTH_ERRORS.exec(response.error)?.[1]) ?? OAUTH_ERRORS.exec(text)?.[1];
  const aadsts = /AADSTS\d+/.exec(text)?.[0];
  return new AuthorityRequestError({
    kind: oauthError || aadsts ? 'rejected' : 'unreachable',
    message: oauthError || aadsts ? `authority refused the token request (${aadsts ?? oauthError})` : 'authority unreachable',
    oauthError,
    aadsts,
    traceId: response?.traceId ?? /Trace ID: ([\w-]+)/.exec(text)?.[1],
    correlationId: response?.correlationId ?? /Correlation ID: ([\w-]+)/.exec(text)?.[1],
  });
}

function messageChain(error: unknown): string[] {
  const messages: string[] = [];
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) messages.push(cause.message);
  return messages;
}
