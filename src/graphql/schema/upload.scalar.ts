import { GraphQLScalarType } from 'graphql';
import { ErrorCode, GatewayError } from '../edge/error-code';
import { Upload } from '../../upload/upload';

/**
 * A file sent in a GraphQL multipart request. It exists only as a variable the HTTP layer filled in:
 * never written in a document, never returned.
 */
export const UploadScalar = new GraphQLScalarType<Upload, never>({
  name: 'Upload',
  description: 'A file sent in a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec).',
  parseValue(value) {
    if (value instanceof Upload) return value;
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'Upload value invalid: send the file as a part of a GraphQL multipart request.');
  },
  parseLiteral() {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'Upload literal unsupported: send the file as a variable in a GraphQL multipart request.');
  },
  serialize() {
    throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, 'Upload serialization unsupported.');
  },
});
