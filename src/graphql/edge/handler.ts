import { HeaderMap, type ApolloServer } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { Logger } from 'pino';
import { bearerToken } from '../../auth/bearer-token';
import type { CallerAuthenticator } from '../../auth/caller-authentication';
import { CallerRefusedError, unauthenticated } from '../../auth/caller-refusal';
import type { UploadConfig } from '../../config';
import type { GraphAuthorization } from '../../auth/graph-authorization';
import type { GraphClient } from '../../graph/graph-client';
import type { GraphQLHandler, GraphQLHttpRequest, HttpAnswer } from '../../http/graphql-request';
import type { Metrics } from '../../metrics';
import type { Tracing } from '../../tracing';
import { callerKey, callerLimited, type CallerLimiter, type CallerSource } from './caller-limit';
import type { GatewayContext } from './context';
import type { DeveloperConsole } from '../console/developer-console';
import { createDocumentBounds } from '../cost/document-bounds';
import { CONSOLE, recordOutcome } from './operation-record';
import { refusalAnswer, type Refusal } from './refusal';
import { SessionLoader } from '../upload-sessions/session-loader';
import { CALLER_REFUSAL_CODES } from './to-graphql-error';
import { NOT_IN_LIST, operationParams, type TrustedDocuments } from './trusted-documents';

export interface GraphQLHandlerOptions {
  /** Started before the first request. */
  apollo: ApolloServer<GatewayContext>;
  graph: GraphClient;
  authorization: GraphAuthorization;
  /**
   * How a caller proves itself before anything runs: `token` validates its access token (AUTH_ISSUER),
   * `bearer` only requires one (the token is forwarded or exchanged for Graph), `none` asks nothing.
   */
  callerCredential:
    | { kind: 'token'; authenticate: CallerAuthenticator }
    /** `check` refuses a bearer token before anything runs (a passthrough token from an unlisted tenant). */
    | { kind: 'bearer'; check?: (bearer: string) => void }
    | { kind: 'none' };
  trustedDocuments: TrustedDocuments;
  /** RATE_LIMIT_PER_CALLER: counts each operation of a caller, known by `source`. */
  callerLimit?: { limiter: CallerLimiter; source: CallerSource };
  /** A browser's page request: the developer console (or the page saying it is off). */
  console: DeveloperConsole;
  /** How an uploaded file is checked (UPLOAD_MAX_BYTES, UPLOAD_CSV_COLUMNS). */
  upload: UploadConfig;
  metrics: Metrics;
  logger: Logger;
  tracing?: Tracing;
}

const ALLOW = new Map([['allow', 'GET, POST, OPTIONS']]);

/**
 * The GraphQL layer's entry: from a read request to its answer. Everything decided before an operation
 * runs is decided here, in order — method, body, trusted documents, the caller's credential, the caller's
 * limit, the document's size — and every refusal is answered in the client's media type and leaves the same log line and metrics as an operation.
 */
export function createGraphQLHandler(options: GraphQLHandlerOptions): GraphQLHandler {
  const { apollo, metrics, callerCredential } = options;
  const documentBounds = createDocumentBounds();

  return async (request) => {
    const bearer = bearerToken(request.headers);
    const context = newContext(options, request, bearer);
    const refuse = (refusal: Refusal, refused: 'caller-refused' | 'request-refused' = 'request-refused'): HttpAnswer => {
      recordOutcome(metrics, context, { operation: refused, refused, code: refusal.code, status: refusal.status });
      return refusalAnswer(accept(request), refusal);
    };

    const page = options.console(request);
    if (page !== undefined) {
      const answer = await page;
      if (answer.status < 400) recordOutcome(metrics, context, { operation: CONSOLE, code: 'OK', status: answer.status });
      else recordOutcome(metrics, context, { operation: 'request-refused', refused: 'request-refused', code: 'NOT_FOUND', status: answer.status });
      return answer;
    }
    if (request.method !== 'GET' && request.method !== 'POST') {
      return refuse({ status: 405, code: ApolloServerErrorCode.BAD_REQUEST, message: 'GraphQL is served with GET (queries) and POST.', headers: ALLOW });
    }
    if (request.body.kind === 'refused') return refuse({ status: request.body.status, code: ApolloServerErrorCode.BAD_REQUEST, message: request.body.message });
    const params = { body: 'value' in request.body ? request.body.value : undefined, search: request.search };
    const operation = operationParams(params);
    const verdict = options.trustedDocuments(params, operation);
    if (!verdict.trusted) return refuse({ status: 400, code: NOT_IN_LIST, message: verdict.message });

    if (callerCredential.kind !== 'none' && operation.runs) {
      try {
        if (callerCredential.kind === 'token') context.caller = await callerCredential.authenticate(bearer);
        else if (bearer === undefined) throw unauthenticated('Send an access token as "Authorization: Bearer <token>".');
        else callerCredential.check?.(bearer);
      } catch (error) {
        return refuse(callerRefusal(error), 'caller-refused');
      }
      if (context.caller) {
        context.call.log = context.call.log.child({ caller: context.caller });
        // Graph is asked in the verified caller's tenant, and in no tenant a request could name otherwise.
        context.call.authorization = options.authorization({ bearer, signal: request.signal, tenantId: context.caller.tid });
      }
    }
    if (options.callerLimit && operation.runs) {
      const { limiter, source } = options.callerLimit;
      const retryInMs = await limiter(callerKey(source, { identity: context.caller, bearer, clientAddress: request.clientAddress }));
      if (retryInMs !== undefined) return refuse(callerLimited(retryInMs), 'caller-refused');
    }
    const outOfBounds = operation.query === undefined ? undefined : documentBounds(operation.query);
    if (outOfBounds !== undefined) return refuse({ status: 400, code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, message: outOfBounds });

    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method, headers: headerMap(request), search: verdict.request.search, body: verdict.request.body },
      context: async () => context,
    });
    const answer: HttpAnswer = {
      status: response.status ?? 200,
      headers: response.headers,
      body: response.body.kind === 'complete' ? response.body.string : response.body.asyncIterator,
    };
    // No plugin saw the request: Apollo refused it before any operation (CSRF, a batch, a malformed request).
    if (!context.outcome.recorded) {
      if (answer.status < 400) recordOutcome(metrics, context, { operation: CONSOLE, code: 'OK', status: answer.status });
      else {
        const code = response.body.kind === 'complete' ? firstCode(response.body.string) : 'UNKNOWN';
        recordOutcome(metrics, context, { operation: 'request-refused', refused: 'request-refused', code, status: answer.status });
      }
    }
    return answer;
  };
}

function newContext(options: GraphQLHandlerOptions, request: GraphQLHttpRequest, bearer: string | undefined): GatewayContext {
  const { requestId, signal, deadline, headers } = request;
  const traceparent = headers.traceparent;
  const call = {
    authorization: options.authorization({ bearer, signal }),
    signal,
    deadline,
    log: options.logger.child({ requestId }),
    trace: options.tracing?.startOperation(typeof traceparent === 'string' ? traceparent : undefined),
    attempts: [],
  };
  return {
    graph: options.graph,
    requestId,
    caller: undefined,
    sessions: new SessionLoader(options.graph, call),
    upload: { ...options.upload, multipart: request.body.kind === 'multipart' },
    outcome: { started: performance.now(), recorded: false },
    call,
  };
}

const CALLER_REFUSAL_STATUS = { unauthenticated: 401, forbidden: 403, unavailable: 503 } as const;
const BEARER_CHALLENGE: ReadonlyMap<string, string> = new Map([['www-authenticate', 'Bearer']]);

/** A caller refused before anything runs: 401 with a Bearer challenge, 403, or 503. */
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

function accept(request: GraphQLHttpRequest): string | undefined {
  const value = request.headers.accept;
  return Array.isArray(value) ? value.join(', ') : value;
}

function headerMap(request: GraphQLHttpRequest): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function firstCode(body: string): string {
  try {
    return String((JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code ?? 'OK');
  } catch {
    return 'UNKNOWN';
  }
}
