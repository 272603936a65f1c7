import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';

/**
 * A subscription sent over HTTP is refused before anything runs: Apollo would execute it as a query, once, with
 * no event to resolve (a failure answered as an internal error). Subscriptions are served on the WebSocket.
 */
export function subscriptionsOverWebSocket<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  const listener: GraphQLRequestListener<TContext> = {
    async didResolveOperation({ operation }) {
      if (operation?.operation !== 'subscription') return;
      throw new GraphQLError('Subscriptions are served over WebSocket on /graphql (graphql-transport-ws), not over HTTP.', {
        extensions: { code: ApolloServerErrorCode.BAD_REQUEST, http: { status: 400 } },
      });
    },
  };
  return { requestDidStart: async () => listener };
}
