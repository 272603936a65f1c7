import { GraphQLError } from 'graphql';
import { CallerRefusedError } from '../../src/auth/caller-refusal';
import { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { ErrorCode, GatewayError } from '../../src/graphql/edge/error-code';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { MultipartRequestError } from '../../src/http/multipart-error';

const ids = { requestId: 'r-1', clientRequestId: 'c-1' };

describe('toGraphQLError', () => {
  it.each([
    [400, 'BAD_USER_INPUT'],
    [422, 'BAD_USER_INPUT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [412, 'CONFLICT'],
    [413, 'BAD_USER_INPUT'],
    [429, 'THROTTLED'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [504, 'UPSTREAM_TIMEOUT'],
    [500, 'UPSTREAM_ERROR'],
    [405, 'UPSTREAM_ERROR'],
    [302, 'UPSTREAM_ERROR'],
  ])('maps Graph %i to %s with the Graph facts', (status, code) => {
    const error = toGraphQLError(new GraphRequestError({ kind: 'http', mayHaveLanded: false, status, graphCode: 'someCode', message: 'secret tenant detail', ...ids }));
    expect(error.extensions).toEqual({ code, graph: { status, code: 'someCode', requestId: 'r-1', clientRequestId: 'c-1' } });
    expect(error.message).not.toContain('secret');
  });

  it('passes Retry-After on as retryAfterSeconds', () => {
    const error = toGraphQLError(new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 429, message: '', retryAfterSeconds: 2.128 }));
    expect(error.extensions).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 2.128 });
  });

  it('names the session that already holds the pair on a refused create', () => {
    const error = toGraphQLError(new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 409, message: '', existingUploadSessionId: 's-1', ...ids }));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', existingUploadSessionId: 's-1', graph: { status: 409 } });
    expect(toGraphQLError(new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 409, message: '' })).extensions).not.toHaveProperty('existingUploadSessionId');
  });

  it.each<[{ graphCode?: string; existingUploadSessionId?: string }, string]>([
    [{ graphCode: 'uploadSessionAlreadyExists', existingUploadSessionId: 's-1' }, 'The review instance already has an upload session for this resource (s-1): upload to it, or delete it to start again.'],
    [{ existingUploadSessionId: 's-1' }, 'The review instance already has an upload session for this resource (s-1).'],
    [{ graphCode: 'uploadSessionAlreadyCompleted', existingUploadSessionId: 's-1' }, 'The upload session s-1 of this review instance and resource is already completed: no other can be created for them.'],
    [{ graphCode: 'uploadSessionAlreadyCompleted' }, 'The upload session is already completed: it takes no more files and cannot be deleted.'],
    [{ graphCode: 'uploadSessionExpired' }, 'The upload session has expired: it takes no more files and cannot be completed.'],
    [{ graphCode: 'somethingNew' }, 'Microsoft Graph refused the change in the session’s current state.'],
  ])('names the situation of a 409 (%j)', (facts, message) => {
    const error = toGraphQLError(new GraphRequestError({ kind: 'http', mayHaveLanded: false, status: 409, message: 'Graph text, not passed on', ...facts }));
    expect(error.message).toBe(message);
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', graph: { status: 409, code: facts.graphCode ?? null } });
  });

  it.each([
    ['network', 'UPSTREAM_UNAVAILABLE'],
    ['unavailable', 'UPSTREAM_UNAVAILABLE'],
    ['timeout', 'UPSTREAM_TIMEOUT'],
    ['deadline', 'UPSTREAM_TIMEOUT'],
    ['unreadable', 'UPSTREAM_ERROR'],
    ['paused', 'THROTTLED'],
  ] as const)('maps a %s failure to %s', (kind, code) => {
    expect(toGraphQLError(new GraphRequestError({ kind, message: 'x', mayHaveLanded: false })).extensions.code).toBe(code);
  });

  it.each([
    ['unauthenticated', 'UNAUTHENTICATED'],
    ['forbidden', 'FORBIDDEN'],
    ['unavailable', 'UPSTREAM_UNAVAILABLE'],
  ] as const)('maps a caller refused as %s to %s, its message kept', (reason, code) => {
    expect(toGraphQLError(new CallerRefusedError(reason, 'Send a token.'))).toMatchObject({ message: 'Send a token.', extensions: { code } });
  });

  it('maps a file the multipart reader refused mid-stream to BAD_USER_INPUT, with the limit it crossed', () => {
    const error = toGraphQLError(new MultipartRequestError('The file is larger than the limit of 10 bytes.', 413, 10));
    expect(error.message).toBe('The file is larger than the limit of 10 bytes.');
    expect(error.extensions).toEqual({ limitBytes: 10, code: 'BAD_USER_INPUT' });
  });

  it('keeps a gateway error as it is', () => {
    const error = new GatewayError(ErrorCode.BAD_USER_INPUT, 'catalogId must be a GUID.');
    expect(toGraphQLError(error)).toBe(error);
  });

  it.each([new Error('boom at /srv/app.js:12'), new GraphQLError('no code'), 'a string', undefined])('masks %p as INTERNAL_SERVER_ERROR', (thrown) => {
    const error = toGraphQLError(thrown);
    expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(error.message).toBe('Internal server error.');
  });
});
