import type { GraphQLError } from 'graphql';
import { parseResourceKey } from '../../src/graph/odata/ids';
import { makeCursor, readCursor } from '../../src/graph/odata/cursor';
import { cursorBinding } from '../../src/graph/upload-sessions/session-list';
import { UploadSessionStatus } from '../../src/graph/upload-sessions/upload-session';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';

const resource = parseResourceKey({ catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff', resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff' });
const binding = cursorBinding(resource, { status: UploadSessionStatus.ACTIVE });
const anyLink = (link: string) => `/checked${link.slice(link.indexOf('?'))}`;

function refusal(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    return toGraphQLError(error);
  }
  throw new Error('not refused');
}

describe('upload session cursors', () => {
  it('round-trips a position and a checked nextLink, as opaque base64url', () => {
    const cursor = makeCursor({ skip: 40, nextLink: 'https://graph.test/x?$skiptoken=a' }, binding);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(readCursor(cursor, binding, anyLink)).toEqual({ skip: 40, nextPath: '/checked?$skiptoken=a' });
    expect(readCursor(makeCursor({ skip: 3 }, binding), binding, anyLink)).toEqual({ skip: 3 });
  });

  it('binds to the resource and the filter', () => {
    expect(cursorBinding(resource, {})).not.toBe(binding);
    expect(cursorBinding(resource, { status: UploadSessionStatus.ACTIVE, referenceId: 'r' })).not.toBe(binding);
    expect(cursorBinding({ ...resource, resourceId: resource.catalogId }, { status: UploadSessionStatus.ACTIVE })).not.toBe(binding);
    expect(cursorBinding(parseResourceKey({ catalogId: resource.catalogId.toUpperCase(), resourceId: resource.resourceId }), { status: UploadSessionStatus.ACTIVE })).toBe(binding);
    const other = makeCursor({ skip: 3 }, cursorBinding(resource, {}));
    expect(refusal(() => readCursor(other, binding, anyLink)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', invalidArguments: ['after'] });
  });

  it('refuses a nextLink the link check refuses (another host or resource)', () => {
    const cursor = makeCursor({ skip: 3, nextLink: 'https://evil.example/x' }, binding);
    expect(refusal(() => readCursor(cursor, binding, () => undefined)).message).toContain('does not point into');
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['a negative position', Buffer.from(JSON.stringify({ s: -1, b: binding })).toString('base64url')],
    ['a fractional position', Buffer.from(JSON.stringify({ s: 1.5, b: binding })).toString('base64url')],
    ['a link that is not a string', Buffer.from(JSON.stringify({ s: 1, n: 5, b: binding })).toString('base64url')],
    ['unbound', Buffer.from(JSON.stringify({ s: 1 })).toString('base64url')],
    ['too long', 'a'.repeat(5000)],
  ])('refuses a cursor that is %s', (_name, cursor) => {
    expect(refusal(() => readCursor(cursor, binding, anyLink)).extensions.code).toBe('BAD_USER_INPUT');
  });
});
