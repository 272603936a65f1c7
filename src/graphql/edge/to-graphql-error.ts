import { GraphQLError } from 'graphql';
import { AuthorityRequestError, type AuthorityFailure } from '../../auth/authority-failure';
import { CallerRefusedError, type CallerRefusalReason } from '../../auth/caller-refusal';
import { CatalogRoleRefusedError } from '../../auth/catalog-authorization';
import { GraphRequestError, type GraphFailure } from '../../graph/transport/graph-failure';
import { InvalidInputError } from '../../graph/odata/invalid-input';
import { ReviewScopeError } from '../../graph/access-reviews/review-scope';
import { MultipartRequestError } from '../../http/multipart-error';
import { CsvError } from '../../upload/csv-error';
import { ErrorCode, GatewayError, UnreachableCaseError } from './error-code';
import { catalogRoleMessage, graphFailureMessage, inputMessage, outsideScopeMessage, PUBLIC_MESSAGES } from './failure-messages';

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

export const CALLER_REFUSAL_CODES: Record<CallerRefusalReason, ErrorCode> = {
  unauthenticated: ErrorCode.UNAUTHENTICATED,
  forbidden: ErrorCode.FORBIDDEN,
  unavailable: ErrorCode.UPSTREAM_UNAVAILABLE,
};

const AUTHORITY_MESSAGES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'The identity platform would not issue a Microsoft Graph token for this sign-in; sign in again.',
  FORBIDDEN: 'The identity platform refused a Microsoft Graph token: consent or a permission is missing.',
  UPSTREAM_UNAVAILABLE: 'The identity platform is unavailable; retry later.',
  UPSTREAM_TIMEOUT: 'The identity platform did not answer in time.',
  UPSTREAM_ERROR: 'The gateway could not obtain a Microsoft Graph token.',
};

/**
 * The one mapping from any failure to a GraphQL error with a code from the closed set: the layers below
 * report facts (a Graph failure, a refused input, a bad CSV line, a refused caller), and only this
 * function names their codes. It never throws, and what it does not recognise becomes
 * INTERNAL_SERVER_ERROR. Graph's own message is not passed on: it can carry tenant detail; its code
 * and request ids are.
 */
export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string') return error;
  if (error instanceof GraphRequestError) return graphFailureError(error.failure);
  if (error instanceof InvalidInputError) {
    const facts = error.invalidArguments === undefined ? {} : { invalidArguments: error.invalidArguments };
    return new GatewayError(ErrorCode.BAD_USER_INPUT, inputMessage(error.problem), facts);
  }
  if (error instanceof CsvError) {
    const { line, column, reason } = error;
    const where = column === undefined ? `line ${line}` : `line ${line}, column ${column}`;
    return new GatewayError(ErrorCode.BAD_USER_INPUT, `The CSV file is invalid at ${where}: ${reason}.`, column === undefined ? { line } : { line, column });
  }
  if (error instanceof MultipartRequestError) {
    return new GatewayError(ErrorCode.BAD_USER_INPUT, error.message, error.limitBytes === undefined ? {} : { limitBytes: error.limitBytes });
  }
  if (error instanceof ReviewScopeError) return new GatewayError(ErrorCode.FORBIDDEN, outsideScopeMessage(error.outside));
  if (error instanceof CallerRefusedError) return new GatewayError(CALLER_REFUSAL_CODES[error.reason], error.message);
  if (error instanceof CatalogRoleRefusedError) return new GatewayError(ErrorCode.FORBIDDEN, catalogRoleMessage(error.catalogId, error.needed));
  if (error instanceof AuthorityRequestError) return authorityFailureError(error.failure);
  return new GraphQLError(PUBLIC_MESSAGES.INTERNAL_SERVER_ERROR, {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  });
}

function graphFailureError(failure: GraphFailure): GraphQLError {
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
  return new GraphQLError(graphFailureMessage(failure, code), { extensions });
}

function authorityFailureError(failure: AuthorityFailure): GraphQLError {
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
