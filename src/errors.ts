import { GraphQLError } from 'graphql';

/** The closed set of `extensions.code` values this gateway produces (besides Apollo's request-level codes). */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  THROTTLED: 'THROTTLED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** How a Graph call failed, as observed; the public code is decided only in `toGraphQLError`. */
export type GraphFailureKind =
  | 'http' // Graph answered with a non-2xx status
  | 'network' // connection refused, reset or closed before an answer
  | 'timeout' // the attempt timed out: Graph did not answer in time
  | 'deadline' // the request's own deadline passed, or its caller left: not Graph's fault
  | 'unreadable' // a 2xx answer the gateway cannot read
  | 'unavailable' // the gateway refused to call (circuit open, too many calls in flight)
  | 'paused'; // the gateway held the call: Graph throttles its scope until after the request's deadline

export interface GraphFailure {
  kind: GraphFailureKind;
  message: string;
  status?: number;
  graphCode?: string;
  requestId?: string;
  clientRequestId?: string;
  retryAfterSeconds?: number;
  /** On a refused create: the session that already holds the (review instance, resource) pair, when a read found it. */
  existingUploadSessionId?: string;
}

/** The one error type the Graph client throws: facts about the failed call, nothing interpreted. */
export class GraphRequestError extends Error {
  constructor(readonly failure: GraphFailure) {
    super(failure.message);
    this.name = 'GraphRequestError';
  }
}

/** The request's deadline passed, or its caller left, before a Graph call could start or go on. */
export function deadlinePassed(): GraphRequestError {
  return new GraphRequestError({ kind: 'deadline', message: 'the request deadline passed or its caller left' });
}

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

/** The one error type token acquisition throws: facts about the failure, interpreted only in `toGraphQLError`. */
export class AuthorityRequestError extends Error {
  constructor(readonly failure: AuthorityFailure) {
    super(failure.message);
    this.name = 'AuthorityRequestError';
  }
}

/**
 * Consent and permission problems: the caller (or an admin) must grant something. AADSTS65001 consent
 * missing, 65004 consent declined, 65005 the app's required permissions misconfigured, 50105 user not
 * assigned to the app, 53003 blocked by conditional access, 500011 resource (Graph) not in the tenant.
 */
const FORBIDDING_AADSTS = new Set(['AADSTS65001', 'AADSTS65004', 'AADSTS65005', 'AADSTS50105', 'AADSTS53003', 'AADSTS500011']);

export function codeForAuthorityFailure(failure: AuthorityFailure): ErrorCode {
  switch (failure.kind) {
    case 'unreachable':
      return ErrorCode.UPSTREAM_UNAVAILABLE;
    case 'aborted':
      return ErrorCode.UPSTREAM_TIMEOUT;
    case 'rejected':
      if ((failure.aadsts && FORBIDDING_AADSTS.has(failure.aadsts)) || failure.oauthError === 'consent_required') return ErrorCode.FORBIDDEN;
      // The caller's assertion cannot be exchanged (expired, revoked, MFA needed): a new sign-in helps.
      if (failure.oauthError === 'invalid_grant' || failure.oauthError === 'interaction_required') return ErrorCode.UNAUTHENTICATED;
      // invalid_client and the like: the gateway's own credential or registration is wrong; the caller cannot fix it.
      return ErrorCode.UPSTREAM_ERROR;
    default:
      throw new UnreachableCaseError(failure.kind);
  }
}

/** A request the gateway refuses before calling Graph. */
export class GatewayError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export function codeForGraphFailure(failure: GraphFailure): ErrorCode {
  switch (failure.kind) {
    case 'http':
      return codeForGraphStatus(failure.status ?? 0);
    case 'network':
    case 'unavailable':
      return ErrorCode.UPSTREAM_UNAVAILABLE;
    case 'timeout':
    case 'deadline':
      return ErrorCode.UPSTREAM_TIMEOUT;
    case 'unreadable':
      return ErrorCode.UPSTREAM_ERROR;
    case 'paused':
      return ErrorCode.THROTTLED;
    default:
      throw new UnreachableCaseError(failure.kind);
  }
}

function codeForGraphStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return ErrorCode.BAD_USER_INPUT;
    case 401:
      return ErrorCode.UNAUTHENTICATED;
    case 403:
      return ErrorCode.FORBIDDEN;
    case 404:
      return ErrorCode.NOT_FOUND;
    case 413: // Graph refused the file's size: the caller must send a smaller one
      return ErrorCode.BAD_USER_INPUT;
    case 409:
    case 412:
      return ErrorCode.CONFLICT;
    case 429:
      return ErrorCode.THROTTLED;
    case 503:
      return ErrorCode.UPSTREAM_UNAVAILABLE;
    case 504:
      return ErrorCode.UPSTREAM_TIMEOUT;
    default:
      return ErrorCode.UPSTREAM_ERROR;
  }
}

const PUBLIC_MESSAGES: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'Microsoft Graph rejected the request as invalid.',
  UNAUTHENTICATED: 'Microsoft Graph did not accept the credentials.',
  FORBIDDEN: 'Microsoft Graph refused access: the permission or the catalog role is missing.',
  NOT_FOUND: 'The upload session was not found.',
  CONFLICT: 'Microsoft Graph refused the change in the session’s current state.',
  THROTTLED: 'Microsoft Graph is throttling requests; retry later.',
  UPSTREAM_UNAVAILABLE: 'Microsoft Graph is unavailable; retry later.',
  UPSTREAM_TIMEOUT: 'Microsoft Graph did not answer in time.',
  UPSTREAM_ERROR: 'Microsoft Graph failed or sent an answer the gateway cannot read.',
  INTERNAL_SERVER_ERROR: 'Internal server error.',
};

const AUTHORITY_MESSAGES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'The identity platform would not issue a Microsoft Graph token for this sign-in; sign in again.',
  FORBIDDEN: 'The identity platform refused a Microsoft Graph token: consent or a permission is missing.',
  UPSTREAM_UNAVAILABLE: 'The identity platform is unavailable; retry later.',
  UPSTREAM_TIMEOUT: 'The identity platform did not answer in time.',
  UPSTREAM_ERROR: 'The gateway could not obtain a Microsoft Graph token.',
};

/**
 * The one mapping from any failure to a GraphQL error with a code from the closed set.
 * It never throws, and what it does not recognise becomes INTERNAL_SERVER_ERROR.
 * Graph's own message is not passed on: it can carry tenant detail; its code and request ids are.
 */
export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string') return error;
  if (error instanceof GraphRequestError) {
    const { failure } = error;
    const code = codeForGraphFailure(failure);
    const extensions: Record<string, unknown> = {
      code,
      graph: {
        status: failure.status ?? null,
        code: failure.graphCode ?? null,
        requestId: failure.requestId ?? null,
        clientRequestId: failure.clientRequestId ?? null,
      },
    };
    if (failure.retryAfterSeconds !== undefined) extensions.retryAfterSeconds = failure.retryAfterSeconds;
    if (code === ErrorCode.CONFLICT && failure.existingUploadSessionId !== undefined) {
      extensions.existingUploadSessionId = failure.existingUploadSessionId;
    }
    return new GraphQLError(PUBLIC_MESSAGES[code], { extensions });
  }
  if (error instanceof AuthorityRequestError) {
    const { failure } = error;
    const code = codeForAuthorityFailure(failure);
    return new GraphQLError(AUTHORITY_MESSAGES[code] ?? PUBLIC_MESSAGES[code], {
      extensions: {
        code,
        authority: {
          error: failure.oauthError ?? null,
          code: failure.aadsts ?? null,
          traceId: failure.traceId ?? null,
          correlationId: failure.correlationId ?? null,
        },
      },
    });
  }
  return new GraphQLError(PUBLIC_MESSAGES.INTERNAL_SERVER_ERROR, {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  });
}

export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`Unreachable case: ${String(value)}`);
  }
}
