import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import builtInManifest from '../client/persisted-documents.json';
import { AuthorityRequestError, ErrorCode, toGraphQLError } from '../errors';
import { SEED_SESSION_KEY } from '../emulator/seed';
import type { Metrics } from '../metrics';
import type { GatewayContext } from './context';
import { graphCallLimit, graphCallLimitPlugin } from './graph-call-limit';
import type { KnownOperations } from './known-operations';

export interface ApolloOptions {
  schema: GraphQLSchema;
  config: Config;
  metrics: Metrics;
  logger: Logger;
  /** Learns every operation Apollo resolves, to run its repeats without Apollo. */
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
    introspection: config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false, // main.ts owns signals: it drains the HTTP server first
    // Stack traces never leave the process, in development either: they are logged instead.
    includeStacktraceInErrorResponses: false,
    validationRules: [graphCallLimit(config.maxGraphCallsPerOperation)],
    formatError,
    plugins: [
      !config.sandbox
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
      ...(knownOperations ? [learnOperations(knownOperations)] : []),
      // Only a federation subgraph has `_entities`, whose cost depends on the variables.
      ...(config.federation
        ? [
            graphCallLimitPlugin<GatewayContext>(config.maxGraphCallsPerOperation),
            // Apollo turns on inline traces for a subgraph by default; they would hand resolver timings to any caller.
            ApolloServerPluginInlineTraceDisabled(),
          ]
        : []),
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
    // A caller refused by authentication never reaches an operation: counted by its code all the same.
    async contextCreationDidFail({ error }) {
      metrics.operations.inc({ operation: 'caller-refused', code: refusalCode(error) });
    },
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

/** The code a caller refused while its context was built (authentication) is answered with. */
export function refusalCode(error: unknown): string {
  return error instanceof GraphQLError ? String(error.extensions.code ?? ErrorCode.INTERNAL_SERVER_ERROR) : ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * Hands each operation Apollo parsed, validated and resolved to the known-operations path. Validation
 * ran before this hook, so only documents that passed every rule are learned.
 */
function learnOperations(known: KnownOperations): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName }) {
          if (typeof request.query === 'string') known.remember(request.query, request.operationName, document, operationName);
        },
      };
    },
  };
}

/** Metrics, the one log line and the span's end for an operation, whichever path ran it. */
export type OperationRecorder = (
  context: GatewayContext | undefined,
  operationName: string | undefined,
  errors: readonly GraphQLFormattedError[] | undefined,
  started: number,
) => void;

/**
 * Operation names a metric label may carry: those of the persisted documents. Any other name a caller
 * invents is counted as `other`, or each invented name would add series without bound.
 */
const KNOWN_OPERATION_NAMES = new Set(
  Object.values(builtInManifest as Record<string, string>).flatMap((document) =>
    [...document.matchAll(/\b(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/g)].map((match) => match[1]!),
  ),
);

export function operationRecorder(metrics: Metrics): OperationRecorder {
  return (context, operationName, errors, started) => {
    const code = String(errors?.[0]?.extensions?.code ?? 'OK');
    const operation = operationName ?? 'anonymous';
    const label = operationName === undefined ? 'anonymous' : KNOWN_OPERATION_NAMES.has(operationName) ? operationName : 'other';
    const seconds = (performance.now() - started) / 1000;
    metrics.operations.inc({ operation: label, code });
    metrics.operationDuration.observe({ operation: label }, seconds);
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
