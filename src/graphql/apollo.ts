import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { ErrorCode, toGraphQLError } from '../errors';
import { SEED_SESSION_KEY } from '../emulator/seed';
import type { Metrics } from '../metrics';
import type { GatewayContext } from './context';
import { graphCallLimit } from './graph-call-limit';
import type { KnownOperations, OperationRecorder } from './known-operations';

export interface ApolloOptions {
  schema: GraphQLSchema;
  config: Config;
  metrics: Metrics;
  logger: Logger;
  /** Filled with every operation Apollo resolves for a JSON POST, so repeats can skip Apollo. */
  knownOperations?: KnownOperations;
}

const SANDBOX_DOCUMENT = `mutation CompleteUploadSession($input: CompleteUploadSessionInput!) {
  completeUploadSession(input: $input) {
    id
    status
    isUploadDone
    stats { filesUploaded totalBytesUploaded }
    files { name size uploadedDateTime }
  }
}
`;

export function createApollo({ schema, config, metrics, logger, knownOperations }: ApolloOptions): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    schema,
    introspection: !config.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false, // main.ts owns signals: it drains the HTTP server first
    // Stack traces never leave the process, in development either: they are logged instead.
    includeStacktraceInErrorResponses: false,
    validationRules: [graphCallLimit(config.maxGraphCallsPerOperation)],
    formatError,
    plugins: [
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({
            embed: true,
            document: SANDBOX_DOCUMENT,
            variables: { input: SEED_SESSION_KEY },
            footer: false,
          }),
      // Cache control is on by default and hooks every field resolution (Apollo then wraps every
      // resolver); nothing here is cacheable (a mutation, and reads of a changing session).
      ApolloServerPluginCacheControlDisabled(),
      operationOutcomes(metrics),
      internalErrors(config.production, logger),
      ...(knownOperations ? [rememberOperations(knownOperations)] : []),
    ],
  });
}

/**
 * Every error leaves through here, from Apollo and from operations run without it (known-operations.ts):
 * a code from the closed set, Graph's ids, and nothing internal.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isApolloRequestError(error, formatted.extensions?.code)) return formatted;
  const mapped = toGraphQLError(unwrapResolverError(error));
  return { message: mapped.message, locations: formatted.locations, path: formatted.path, extensions: mapped.extensions };
}

/** Apollo's request-level errors (parse, validation, bad request) come with their own codes. */
function isApolloRequestError(error: unknown, code: unknown): boolean {
  return unwrapResolverError(error) === error && typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * Logs the errors that are gateway bugs (they answer INTERNAL_SERVER_ERROR), with the request's logger so
 * the line carries its correlation id. Formatting cannot do it: Apollo's formatError sees no request.
 */
export function internalErrorLogger(production: boolean) {
  return (errors: readonly GraphQLError[], log: Logger) => {
    for (const error of errors) {
      if (isApolloRequestError(error, error.extensions?.code)) continue;
      const original = unwrapResolverError(error);
      if (toGraphQLError(original).extensions.code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
      const err = original instanceof Error ? original : new Error(String(original));
      log.error({ err: production ? { type: err.name, message: err.message } : err }, 'internal error');
    }
  };
}

function internalErrors(production: boolean, logger: Logger): ApolloServerPlugin<GatewayContext> {
  const logInternal = internalErrorLogger(production);
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          logInternal(errors, contextValue?.call?.log ?? logger);
        },
      };
    },
  };
}

/** Counts and times every operation by its outcome: OK, or the first error's code. */
function operationOutcomes(metrics: Metrics): ApolloServerPlugin<GatewayContext> {
  const record = operationRecorder(metrics);
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, response, contextValue }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          // contextValue is unset when the request failed before its context was built (e.g. unparsable)
          record(contextValue, operationName ?? undefined, body.errors, started);
        },
      };
    },
  };
}

/** Metrics, the one log line and the span's end for an operation, whichever path ran it. */
export function operationRecorder(metrics: Metrics): OperationRecorder {
  return (context, operationName, errors, started) => {
    const code = String(errors?.[0]?.extensions?.code ?? 'OK');
    const operation = operationName ?? 'anonymous';
    const seconds = (performance.now() - started) / 1000;
    metrics.operations.inc({ operation, code });
    metrics.operationDuration.observe({ operation }, seconds);
    const call = context?.call;
    if (!call) return;
    // The one line per operation: every Graph attempt it made is in it, so info needs no per-call lines.
    const graph = call.attempts;
    const retries = graph?.reduce((count, attempt) => count + (attempt.attempt > 0 ? 1 : 0), 0) ?? 0;
    const durationMs = Math.round(seconds * 10_000) / 10;
    call.log.info({ operation, code, durationMs, graph, retries, traceId: call.trace?.traceId }, 'GraphQL operation');
    call.trace?.end(operation, code);
  };
}

/** Remembers each operation Apollo resolved (parsed, validated) for a JSON POST. */
function rememberOperations(known: KnownOperations): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      if (request.http?.method !== 'POST' || request.extensions !== undefined) return;
      return {
        async didResolveOperation({ request: { query, operationName }, document, operationName: resolvedName }) {
          if (typeof query === 'string') known.remember(query, operationName, document, resolvedName);
        },
      };
    },
  };
}
