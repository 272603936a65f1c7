import { GraphQLError } from 'graphql';
import { formatError } from '../../src/graphql/edge/apollo';
import { GraphRequestError } from '../../src/graph/transport/graph-failure';

/** A resolver failure as graphql-js hands it to Apollo: located, wrapping what the resolver threw. */
function fromResolver(thrown: Error): GraphQLError {
  return new GraphQLError(thrown.message, { path: ['completeUploadSession'], originalError: thrown });
}

describe('formatError', () => {
  it('masks a gateway bug: generic message, INTERNAL_SERVER_ERROR, no stack or internal text', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id') at /srv/dist/x.js:12:3");
    const formatted = formatError({ message: bug.message, path: ['completeUploadSession'] }, fromResolver(bug));
    expect(formatted).toEqual({ message: 'Internal server error.', path: ['completeUploadSession'], locations: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('turns a Graph failure into its public code with Graph’s ids, without Graph’s message', () => {
    const failure = new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 403, graphCode: 'Authorization_RequestDenied', message: 'tenant detail', requestId: 'r', clientRequestId: 'c' });
    const formatted = formatError({ message: 'tenant detail' }, fromResolver(failure));
    expect(formatted.message).not.toContain('tenant detail');
    expect(formatted.extensions).toEqual({ code: 'FORBIDDEN', graph: { status: 403, code: 'Authorization_RequestDenied', requestId: 'r', clientRequestId: 'c' } });
  });

  it('keeps Apollo’s own request-level errors as Apollo made them', () => {
    const validation = { message: 'Cannot query field "nope"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    expect(formatError(validation, new GraphQLError(validation.message, { extensions: validation.extensions }))).toBe(validation);
  });
});
