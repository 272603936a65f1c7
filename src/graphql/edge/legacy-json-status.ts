import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { APPLICATION_JSON, responseMediaType } from './media-type';

/** Failures of a well-formed request that Apollo answers 400 whatever the media type. */
const DOCUMENT_FAILURES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/**
 * GraphQL over HTTP: a client that accepts only `application/json` is a legacy client, which reads errors
 * only from a 200 answer; the spec asks for 200 when a well-formed request's document does not parse or
 * validate, or its variables do not coerce. `application/graphql-response+json` clients keep Apollo's 400.
 */
export function legacyJsonStatus<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  const listener: GraphQLRequestListener<TContext> = {
    async willSendResponse({ request, response }) {
      if (response.http.status !== 400 || response.body.kind !== 'single') return;
      const { data, errors } = response.body.singleResult;
      if (data !== undefined || !DOCUMENT_FAILURES.has(String(errors?.[0]?.extensions?.code))) return;
      if (responseMediaType(request.http?.headers.get('accept')) === APPLICATION_JSON) response.http.status = 200;
    },
  };
  return { requestDidStart: async () => listener };
}
