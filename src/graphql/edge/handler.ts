import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import { bearerToken } from '../../auth/bearer-token';
import type { UploadConfig } from '../../config';
import type { GraphAuthorization } from '../../auth/graph-authorization';
import type { GraphClient } from '../../graph/graph-client';
import type { GraphQLHandler, GraphQLHttpRequest, HttpAnswer } from '../../http/graphql-request';
import type { Metrics } from '../../metrics';
import type { Tracing } from '../../tracing';
import type { CallerLimiter, CallerSource } from './caller-limit';
import type { GatewayContext } from './context';
import type { DeveloperConsole } from '../console/developer-console';
import { createDocumentBounds } from '../cost/document-bounds';
import type { EdgeRequest, Ending, RequestCheck } from './edge-request';
import { UnreachableCaseError } from './error-code';
import { requestOutcome, recordOutcome, type RequestOutcome } from './operation-record';
import { refusalAnswer } from './refusal';
import {
  allowedMethod,
  authenticatedCaller,
  consolePage,
  readableBody,
  trustedDocumentsOnly,
  withinCallerLimit,
  withinDocumentBounds,
  type CallerCredential,
} from './request-checks';
import { SessionLoader } from '../upload-sessions/session-loader';
import { operationParams, type TrustedDocuments } from './trusted-documents';

export interface GraphQLHandlerOptions {
  /** Started before the first request. */
  apollo: ApolloServer<GatewayContext>;
  graph: GraphClient;
  authorization: GraphAuthorization;
  callerCredential: CallerCredential;
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

/**
 * The GraphQL layer's entry: from a read request to its answer. Everything decided before an operation runs
 * is one check in the list below, in order; the first that ends the request answers it, else Apollo does.
 * Every request, refused or run, leaves one log line, its metrics and the end of its span, recorded here once.
 */
export function createGraphQLHandler(options: GraphQLHandlerOptions): GraphQLHandler {
  // The order is the contract: nothing that costs (a token's validation, the shared limit's store) runs
  // for a request the cheap checks refuse, and the caller is known before its limit is counted.
  const checks = inOrder(
    consolePage(options.console),
    allowedMethod(),
    readableBody(),
    trustedDocumentsOnly(options.trustedDocuments),
    authenticatedCaller(options.callerCredential, options.authorization),
    options.callerLimit && withinCallerLimit(options.callerLimit),
    withinDocumentBounds(createDocumentBounds()),
  );
  const run = apolloRun(options.apollo);

  return async (http) => {
    const request = edgeRequest(options, http);
    const ending = (await firstEnding(checks, request)) ?? (await run(request));
    const { answer, outcome } = settle(ending, request);
    recordOutcome(options.metrics, request.context, outcome);
    return answer;
  };
}

/** The checks configured (a check that does not apply here is `undefined`), in their order. */
function inOrder(...checks: (RequestCheck | undefined)[]): readonly RequestCheck[] {
  return checks.filter((check): check is RequestCheck => check !== undefined);
}

async function firstEnding(checks: readonly RequestCheck[], request: EdgeRequest): Promise<Ending | undefined> {
  for (const check of checks) {
    const ending = await check(request);
    if (ending !== undefined) return ending;
  }
  return undefined;
}

function apolloRun(apollo: ApolloServer<GatewayContext>): (request: EdgeRequest) => Promise<Ending> {
  return async ({ http, params, context }) => {
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: http.method, headers: headerMap(http), search: params.search, body: params.body },
      context: async () => context,
    });
    const body = response.body.kind === 'complete' ? response.body.string : response.body.asyncIterator;
    return { kind: 'apollo', answer: { status: response.status ?? 200, headers: response.headers, body } };
  };
}

/** The answer an ending sends, and what its log line and metrics say. */
function settle(ending: Ending, { http, context }: EdgeRequest): { answer: HttpAnswer; outcome: RequestOutcome } {
  switch (ending.kind) {
    case 'refused': {
      const { by, refusal } = ending;
      return { answer: refusalAnswer(accept(http), refusal), outcome: requestOutcome.refused(by, refusal.code, refusal.status) };
    }
    case 'page':
      return { answer: ending.answer, outcome: requestOutcome.page(ending.answer.status) };
    case 'apollo':
      return { answer: ending.answer, outcome: requestOutcome.apollo(ending.answer, context.outcome.operation) };
    default:
      throw new UnreachableCaseError(ending);
  }
}

function edgeRequest(options: GraphQLHandlerOptions, http: GraphQLHttpRequest): EdgeRequest {
  const bearer = bearerToken(http.headers);
  const params = { body: 'value' in http.body ? http.body.value : undefined, search: http.search };
  return { http, bearer, context: newContext(options, http, bearer), operation: operationParams(params), params };
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
    outcome: { started: performance.now() },
    call,
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
