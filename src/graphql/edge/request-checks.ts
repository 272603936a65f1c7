import type { GraphAuthorization } from '../../auth/graph-authorization';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { CallerAuthenticator } from '../../auth/caller-authentication';
import { CallerRefusedError, unauthenticated } from '../../auth/caller-refusal';
import type { DeveloperConsole } from '../console/developer-console';
import { callerKey, callerLimited, type CallerLimiter, type CallerSource } from './caller-limit';
import { callerRefused, refused, type RequestCheck } from './edge-request';
import type { Refusal } from './refusal';
import { CALLER_REFUSAL_CODES } from './to-graphql-error';
import { NOT_IN_LIST, type TrustedDocuments } from './trusted-documents';

/** A browser's page request (GET /graphql for HTML) is the console's, and runs no operation. */
export function consolePage(developerConsole: DeveloperConsole): RequestCheck {
  return async ({ http }) => {
    const page = developerConsole(http);
    return page === undefined ? undefined : { kind: 'page', answer: await page };
  };
}

const ALLOW: ReadonlyMap<string, string> = new Map([['allow', 'GET, POST, OPTIONS']]);

export function allowedMethod(): RequestCheck {
  return ({ http }) =>
    http.method === 'GET' || http.method === 'POST'
      ? undefined
      : refused({ status: 405, code: ApolloServerErrorCode.BAD_REQUEST, message: 'GraphQL is served with GET (queries) and POST.', headers: ALLOW });
}

/** The HTTP layer could not take the body (too large, too slow, not decodable); its status and message are rendered here. */
export function readableBody(): RequestCheck {
  return ({ http: { body } }) => (body.kind === 'refused' ? refused({ status: body.status, code: ApolloServerErrorCode.BAD_REQUEST, message: body.message }) : undefined);
}

/** Before the caller's token is checked, so a request refused here costs no token validation. */
export function trustedDocumentsOnly(trustedDocuments: TrustedDocuments): RequestCheck {
  return (request) => {
    const verdict = trustedDocuments(request.params, request.operation);
    if (!verdict.trusted) return refused({ status: 400, code: NOT_IN_LIST, message: verdict.message });
    request.params = verdict.request;
    return undefined;
  };
}

/**
 * How a caller proves itself before anything runs: `token` validates its access token (AUTH_ISSUER),
 * `bearer` only requires one (the token is forwarded or exchanged for Graph), `none` asks nothing.
 */
export type CallerCredential =
  | { kind: 'token'; authenticate: CallerAuthenticator }
  /** `check` refuses a bearer token before anything runs (a passthrough token from an unlisted tenant). */
  | { kind: 'bearer'; check?: (bearer: string) => void }
  | { kind: 'none' };

/** No check at all for `none`. A request that runs nothing (no document, no hash) is let through: Apollo refuses it. */
export function authenticatedCaller(credential: CallerCredential, authorization: GraphAuthorization): RequestCheck | undefined {
  if (credential.kind === 'none') return undefined;
  if (credential.kind === 'bearer') {
    const { check } = credential;
    return ({ operation, bearer }) => {
      if (!operation.runs) return undefined;
      try {
        if (bearer === undefined) throw unauthenticated('Send an access token as "Authorization: Bearer <token>".');
        check?.(bearer);
      } catch (error) {
        return callerRefused(callerRefusal(error));
      }
      return undefined;
    };
  }
  const { authenticate } = credential;
  return async ({ operation, bearer, context }) => {
    if (!operation.runs) return undefined;
    try {
      context.caller = await authenticate(bearer);
    } catch (error) {
      return callerRefused(callerRefusal(error));
    }
    context.call.log = context.call.log.child({ caller: context.caller });
    // Graph is asked in the verified caller's tenant, and in no tenant a request could name otherwise.
    context.call.authorization = authorization({ bearer, signal: context.call.signal, tenantId: context.caller.tid });
    return undefined;
  };
}

const CALLER_REFUSAL_STATUS = { unauthenticated: 401, forbidden: 403, unavailable: 503 } as const;
const BEARER_CHALLENGE: ReadonlyMap<string, string> = new Map([['www-authenticate', 'Bearer']]);

/** A caller refused before anything runs: 401 with a Bearer challenge, 403, or 503. Anything else is a gateway bug, thrown on. */
function callerRefusal(error: unknown): Refusal {
  if (!(error instanceof CallerRefusedError)) throw error;
  const { reason, message } = error;
  return {
    status: CALLER_REFUSAL_STATUS[reason],
    code: CALLER_REFUSAL_CODES[reason],
    message,
    headers: reason === 'unauthenticated' ? BEARER_CHALLENGE : undefined,
  };
}

/** RATE_LIMIT_PER_CALLER: counts each operation of a caller, known by `source`; after authentication, so a token's `oid` can name it. */
export function withinCallerLimit({ limiter, source }: { limiter: CallerLimiter; source: CallerSource }): RequestCheck {
  return async ({ operation, bearer, context, http }) => {
    if (!operation.runs) return undefined;
    const retryInMs = await limiter(callerKey(source, { identity: context.caller, bearer, clientAddress: http.clientAddress }));
    return retryInMs === undefined ? undefined : callerRefused(callerLimited(retryInMs));
  };
}

/** A document too large or too deep is refused before Apollo parses it, as a validation failure (cost/document-bounds.ts). */
export function withinDocumentBounds(bounds: (query: string) => string | undefined): RequestCheck {
  return ({ operation: { query } }) => {
    const outOfBounds = query === undefined ? undefined : bounds(query);
    return outOfBounds === undefined ? undefined : refused({ status: 400, code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, message: outOfBounds });
  };
}
