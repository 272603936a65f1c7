import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { type GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GraphQLConfig } from '../../config';
import { AuthorityRequestError } from '../../auth/authority-failure';
import { callerWentAway } from '../../http/graphql-request';
import { ErrorCode } from './error-code';
import { toGraphQLError } from './to-graphql-error';
import type { GatewayContext } from './context';
import { DOCUMENT_BOUNDS } from '../cost/document-bounds';
import { graphCallLimit } from '../cost/graph-call-limit';
import { subscriptionsOverWebSocket } from './subscriptions-over-websocket';
import { legacyJsonStatus } from './legacy-json-status';
import { outcomeCode } from './operation-record';
import { uploadOperations } from './upload-operations';

export interface ApolloOptions {
  schema: GraphQLSchema;
  config: GraphQLConfig;
  logger: Logger;
  /** Checks of the composition root's choosing, run after the Graph-call limit (CATALOG_AUTHORIZATION). */
  plugins?: ApolloServerPlugin<GatewayContext>[];
}

export function createApollo({ schema, config, logger, plugins = [] }: ApolloOptions): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false, // main.ts owns signals: it drains the HTTP server first
    // Stack traces never leave the process, in development either: they are logged instead.
    includeStacktraceInErrorResponses: false,
    // Where introspection is off, errors do not spell the schema out either: Apollo drops the "Did you mean"
    // of validation errors, and formatError that of the variable errors Apollo's option does not reach.
    hideSchemaDetailsFromClientErrors: !config.introspection,
    formatError: config.introspection ? formatError : withoutSchemaHints,
    parseOptions: { maxTokens: DOCUMENT_BOUNDS.maxTokens },
    plugins: [
      // The console is the handler's (developer-console.ts): it falls back when offline and compresses.
      ApolloServerPluginLandingPageDisabled(),
      // Cache control is on by default and hooks every field resolution (Apollo then wraps every
      // resolver); nothing here is cacheable (mutations, and reads of a changing session).
      ApolloServerPluginCacheControlDisabled(),
      // Apollo turns on inline traces for a subgraph by default; they would hand resolver timings to any caller.
      ApolloServerPluginInlineTraceDisabled(),
      subscriptionsOverWebSocket<GatewayContext>(),
      graphCallLimit<GatewayContext>(config.maxGraphCallsPerOperation),
      ...plugins,
      uploadOperations(),
      legacyJsonStatus(),
      internalErrors(config.production, logger),
      operationReports(),
    ],
  });
}

/**
 * Every error leaves through here:
 * a code from the closed set, Graph's ids, and nothing internal.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isApolloRequestError(error, formatted.extensions?.code)) return formatted;
  const mapped = toGraphQLError(unwrapResolverError(error));
  return { message: mapped.message, locations: formatted.locations, path: formatted.path, extensions: mapped.extensions };
}

/** formatError, with graphql-js's suggestions (`Did you mean the enum value "ACTIVE"?`) cut out. */
export function withoutSchemaHints(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const answer = formatError(formatted, error);
  return { ...answer, message: answer.message.replace(/ ?Did you mean .+?\?$/, '') };
}

/** Apollo's request-level errors (parse, validation, bad request) come with their own codes. */
function isApolloRequestError(error: unknown, code: unknown): boolean {
  return unwrapResolverError(error) === error && typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * Logs the errors that are gateway bugs (they answer INTERNAL_SERVER_ERROR), with the request's logger so
 * the line carries its correlation id. Formatting cannot do it: Apollo's formatError sees no request.
 */
function internalErrors(production: boolean, logger: Logger): ApolloServerPlugin<GatewayContext> {
  const logInternal = (errors: readonly GraphQLError[], log: Logger) => {
    for (const error of errors) {
      if (isApolloRequestError(error, error.extensions?.code)) continue;
      const original = unwrapResolverError(error);
      if (original instanceof AuthorityRequestError) {
        // Operators need to see a refused credential or consent gap; only codes and ids, never the authority's text.
        const { kind, oauthError, aadsts, traceId, correlationId } = original.failure;
        const code = toGraphQLError(original).extensions.code;
        log.warn({ authority: { kind, error: oauthError, code: aadsts, traceId, correlationId }, code }, 'Graph token request failed');
        continue;
      }
      if (toGraphQLError(original).extensions.code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
      const err = original instanceof Error ? original : new Error(String(original));
      log.error({ err: production ? { type: err.name, message: err.message } : err }, 'internal error');
    }
  };
  const listener: GraphQLRequestListener<GatewayContext> = {
    async didEncounterErrors({ errors, contextValue }) {
      // What fails once the caller has gone (its file cut short, a stream closed under its reader) is no gateway
      // bug: the operation's own line says CLIENT_CLOSED_REQUEST (operation-record.ts).
      if (contextValue?.call && callerWentAway(contextValue.call.signal)) return;
      logInternal(errors, contextValue?.call?.log ?? logger);
    },
  };
  return { requestDidStart: async () => listener };
}

/**
 * Reports what Apollo ran (its name, its answer's first code) on the context; the handler records it with the
 * answer's status, once (operation-record.ts). Requests Apollo refuses before any operation never reach it.
 */
function operationReports(): ApolloServerPlugin<GatewayContext> {
  const listener: GraphQLRequestListener<GatewayContext> = {
    async willSendResponse({ operationName, response, contextValue }) {
      const body = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
      contextValue.outcome.operation = { name: operationName ?? 'anonymous', code: outcomeCode(body.errors) };
    },
  };
  return { requestDidStart: async () => listener };
}
