import { GraphQLError } from 'graphql';
import { assertGuids, assertResourceKey, assertSessionKey } from '../../src/graph/session-key';

const valid = {
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
};

describe('session ids', () => {
  it('passes a key of valid GUIDs through, whatever else the input carries', () => {
    const input = { ...valid, file: 'not an id' };
    expect(assertSessionKey(input)).toBe(input);
    expect(assertResourceKey({ catalogId: valid.catalogId, resourceId: valid.resourceId.toUpperCase() })).toBeDefined();
  });

  it.each([
    ['a path traversal', '../73eb2497-3b88-4c0a-8bb3-68ba8162beff'],
    ['a query', '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44?$select=id'],
    ['an encoded slash', '23f27c15%2F72f9-45fe-9e9c-e3d8f75bdc44'],
    ['an empty string', ''],
    ['a GUID in braces', '{23f27c15-72f9-45fe-9e9c-e3d8f75bdc44}'],
    ['a GUID one digit short', '23f27c15-72f9-45fe-9e9c-e3d8f75bdc4'],
    ['a GUID with a non-hex digit', '23f27c15-72f9-45fe-9e9c-e3d8f75bdc4g'],
    ['a GUID without dashes', '23f27c1572f945fe9e9ce3d8f75bdc44'],
    ['a GUID with a trailing newline', '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44\n'],
  ])('refuses %s with BAD_USER_INPUT naming the argument', (_name, id) => {
    let error: unknown;
    try {
      assertSessionKey({ ...valid, uploadSessionId: id });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', invalidArguments: ['uploadSessionId'] });
  });

  it('names every invalid id at once', () => {
    expect(() => assertSessionKey({ catalogId: 'x', resourceId: 'y', uploadSessionId: valid.uploadSessionId })).toThrow(
      'catalogId, resourceId must be a GUID.',
    );
    expect(() => assertGuids({ reviewDefinitionId: valid.catalogId, reviewInstanceId: 'nope' })).toThrow('reviewInstanceId must be a GUID.');
  });
});
