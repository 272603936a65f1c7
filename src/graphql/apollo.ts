import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { AuthorityRequestError, ErrorCode, toGraphQLError } from '../errors';
import { SEED_SESSION_KEY } from '../emulator/seed';
import type { Metrics } from '../metrics';
import type { GatewayContext } from './context';
import { graphCallLimit, graphCallLimitPlugin } from './graph-call-limit';

export interface ApolloOptions {
  schema: GraphQLSchema;
  config: Config;
  metrics: Metrics;
  logger: Logger;
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

export function createApollo({ schema, config, metrics, logger }: ApolloOptions): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false, // main.ts owns signals: it drains the HTTP server first
    // Stack traces never leave the process, in development either: they are logged instead.
    includeStacktraceInErrorResponses: false,
    validationRules: [graphCallLimit(config.maxGraphCallsPerOperation)],
    formatError: (formatted, error) => formatError(formatted, error, config.production, logger),
    plugins: [
      !config.sandbox
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({
            embed: true,
            document: SANDBOX_DOCUMENT,
            variables: { input: SEED_SESSION_KEY },
            footer: false,
          }),
      operationOutcomes(metrics),
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

/** Every error leaves through here: a code from the closed set, Graph's ids, and nothing internal. */
function formatError(formatted: GraphQLFormattedError, error: unknown, production: boolean, logger: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  // Apollo's request-level errors (parse, validation, bad request) come with their own codes.
  if (original === error && typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  const mapped = toGraphQLError(original);
  if (original instanceof AuthorityRequestError) {
    // Operators need to see a refused credential or consent gap; only codes and ids, never the authority's text.
    const { kind, oauthError, aadsts, traceId, correlationId } = original.failure;
    logger.warn({ authority: { kind, error: oauthError, code: aadsts, traceId, correlationId }, code: mapped.extensions.code }, 'Graph token request failed');
  }
  if (mapped.extensions.code === ErrorCode.INTERNAL_SERVER_ERROR) {
    const err = original instanceof Error ? original : new Error(String(original));
    logger.error({ err: production ? { type: err.name, message: err.message } : err }, 'internal error');
  }
  return { message: mapped.message, locations: formatted.locations, path: formatted.path, extensions: mapped.extensions };
}

/** Counts and times every operation by its outcome: OK, or the first error's code. */
function operationOutcomes(metrics: Metrics): ApolloServerPlugin<GatewayContext> {
  return {
    // A caller refused by authentication never reaches an operation: counted by its code all the same.
    async contextCreationDidFail({ error }) {
      const code = error instanceof GraphQLError ? String(error.extensions.code ?? ErrorCode.INTERNAL_SERVER_ERROR) : ErrorCode.INTERNAL_SERVER_ERROR;
      metrics.operations.inc({ operation: 'caller-refused', code });
    },
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, response, contextValue }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const code = String(body.errors?.[0]?.extensions?.code ?? 'OK');
          const operation = operationName ?? 'anonymous';
          const seconds = (performance.now() - started) / 1000;
          metrics.operations.inc({ operation, code });
          metrics.operationDuration.observe({ operation }, seconds);
          // contextValue is unset when the request failed before its context was built (e.g. unparsable)
          contextValue?.call?.log.info({ operation, code, durationMs: Math.round(seconds * 10_000) / 10 }, 'GraphQL operation');
        },
      };
    },
  };
}
