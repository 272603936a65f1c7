import Negotiator from 'negotiator';

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
export const APPLICATION_JSON = 'application/json';

/**
 * The media type a single GraphQL answer is sent in, chosen from the request's `Accept` as Apollo Server
 * chooses it (no Accept: application/json, the legacy default). Undefined when the client accepts neither.
 */
export function responseMediaType(accept: string | undefined): typeof GRAPHQL_RESPONSE_JSON | typeof APPLICATION_JSON | undefined {
  if (!accept) return APPLICATION_JSON;
  const preferred = new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]);
  return preferred === APPLICATION_JSON || preferred === GRAPHQL_RESPONSE_JSON ? preferred : undefined;
}
