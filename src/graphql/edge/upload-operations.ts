import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, Kind } from 'graphql';
import type { GatewayContext } from './context';

const UPLOAD_FIELD = 'uploadSessionFile';

/**
 * A file is accepted only by `uploadSessionFile`, alone in its operation: a multipart request for anything
 * else is refused before anything runs (its file is then destroyed unread), and an operation cannot hand
 * one file's single stream to two fields.
 */
export function uploadOperations(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (!contextValue.upload.multipart) return;
      return {
        async didResolveOperation({ operation }) {
          // `__typename` asks nothing of Graph (generated clients add it to every operation).
          const fields = (operation?.selectionSet.selections ?? []).filter((field) => !(field.kind === Kind.FIELD && field.name.value === '__typename'));
          const onlyUpload = operation?.operation === 'mutation' && fields.length === 1 && fields[0]!.kind === Kind.FIELD && fields[0]!.name.value === UPLOAD_FIELD;
          if (!onlyUpload) {
            throw new GraphQLError(`A file can be sent only to ${UPLOAD_FIELD}, as the one field of its mutation.`, {
              extensions: { code: ApolloServerErrorCode.BAD_REQUEST, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
