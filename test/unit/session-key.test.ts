import { InvalidInputError } from '../../src/graph/odata/invalid-input';
import { idKey, parseGuids, parseResourceKey, parseSessionKey, sameId, toGuid } from '../../src/graph/odata/ids';
import { parsePageSize } from '../../src/graph/odata/paging';
import { parseSessionFilter } from '../../src/graph/upload-sessions/session-list';
import { UploadSessionStatus } from '../../src/graph/upload-sessions/upload-session';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';

const valid = {
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
};

describe('session ids', () => {
  it('passes a key of valid GUIDs through, whatever else the input carries', () => {
    expect(parseSessionKey({ ...valid, file: 'not an id' } as typeof valid)).toEqual(valid);
    expect(parseResourceKey({ catalogId: valid.catalogId, resourceId: valid.resourceId.toUpperCase() })).toBeDefined();
  });

  it('parses a GUID once, in lower case: the same id compares and keys the same however it was spelled', () => {
    expect(parseSessionKey({ ...valid, catalogId: valid.catalogId.toUpperCase() })).toEqual(valid);
    const upper = valid.resourceId.toUpperCase();
    expect(toGuid(upper)).toBe(valid.resourceId);
    expect(sameId(upper, toGuid(valid.resourceId)!)).toBe(true);
    expect(sameId(null, toGuid(valid.resourceId)!)).toBe(false);
    // Graph's ids keep their spelling in answers; only keys are made from them.
    expect([idKey(upper), idKey('not-a-guid')]).toEqual([valid.resourceId, 'not-a-guid']);
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
  ])('refuses %s, naming the argument (BAD_USER_INPUT)', (_name, id) => {
    let error: unknown;
    try {
      parseSessionKey({ ...valid, uploadSessionId: id });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(toGraphQLError(error).extensions).toEqual({ code: 'BAD_USER_INPUT', invalidArguments: ['uploadSessionId'] });
  });

  it('names every invalid id at once', () => {
    const message = (parse: () => unknown) => {
      try {
        parse();
      } catch (error) {
        return toGraphQLError(error).message;
      }
    };
    expect(message(() => parseSessionKey({ catalogId: 'x', resourceId: 'y', uploadSessionId: valid.uploadSessionId }))).toBe('catalogId, resourceId must be a GUID.');
    expect(message(() => parseGuids({ reviewDefinitionId: valid.catalogId, reviewInstanceId: "x' or 1 eq 1" }))).toBe('reviewInstanceId must be a GUID.');
    expect(message(() => parseGuids({ catalogId: valid.catalogId, id: 7 }))).toBe('id must be a GUID.');
  });
});

describe('page arguments', () => {
  const refusal = (parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      return toGraphQLError(error).extensions;
    }
    throw new Error('expected a refusal');
  };

  it.each([0, 101, 1.5])('refuses first = %p', (first) => {
    expect(refusal(() => parsePageSize(first))).toEqual({ code: 'BAD_USER_INPUT', invalidArguments: ['first'] });
  });

  it.each([
    ['a status that is not one', { status: 'toString' }],
    ['an explicit null status', { status: null }],
    ['an empty referenceId', { referenceId: '' }],
    ['a referenceId over 256 characters', { referenceId: 'r'.repeat(257) }],
  ])('refuses %s', (_name, filter) => {
    expect(refusal(() => parseSessionFilter(filter))).toEqual({ code: 'BAD_USER_INPUT', invalidArguments: ['filter'] });
  });

  it('passes a valid filter and page size on', () => {
    expect(parsePageSize(100)).toBe(100);
    expect(parseSessionFilter({ status: UploadSessionStatus.EXPIRED, referenceId: 'r'.repeat(256) })).toEqual({ status: 'EXPIRED', referenceId: 'r'.repeat(256) });
    expect(parseSessionFilter({})).toEqual({});
  });
});
