import type { GraphRequestError } from '../../src/graph/transport/graph-failure';
import type { InvalidInputError } from '../../src/graph/odata/invalid-input';
import { parsePageSize } from '../../src/graph/odata/paging';
import { makeCursor } from '../../src/graph/odata/cursor';
import { cursorBinding } from '../../src/graph/upload-sessions/session-list';
import { parseFileName } from '../../src/graph/upload-sessions/file-name';
import { UploadSessionStatus } from '../../src/graph/upload-sessions/upload-session';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { fakeCall } from '../support/fake-graph';
import { BETA, created, failure, json, key, mockGraphPerTest, resource, two, V1 } from '../support/mock-graph';

/** The Graph client's lists over undici's MockAgent: sessions page by page, a session's files. */
const graph = mockGraphPerTest();
const { on, recorded, clientFor } = graph;
const call = fakeCall;

describe('listSessions', () => {
  const page = (count: number, ids: string[], nextLink?: string) => ({
    '@odata.count': count,
    value: ids.map((id) => ({ ...created, id })),
    ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
  });

  it('asks for $top, the escaped $filter, $count and newest first, and pages by position', async () => {
    const client = clientFor('https://graph.test/beta').sessions;
    const filter = { status: UploadSessionStatus.ACTIVE, referenceId: "o'brien" };
    on('GET', /\?/).reply(200, recorded(page(3, ['a', 'b'])), json);
    const first = await client.listSessions(resource, { first: two, filter }, call());
    const odataFilter = encodeURIComponent("status eq 'active' and referenceId eq 'o''brien'");
    expect(graph.seen[0]).toBe(`GET ${BETA}?$top=2&$filter=${odataFilter}&$count=true&$orderby=createdDateTime%20desc`);
    expect(first).toMatchObject({ totalCount: 3, hasNextPage: true });
        expect(first.edges.map((edge) => edge.node.id)).toEqual(['a', 'b']);
    expect(first.endCursor).toBe(first.edges[1]!.cursor);

    on('GET', /\?/).reply(200, recorded(page(3, ['c'])), json);
    const second = await client.listSessions(resource, { first: two, after: first.endCursor, filter }, call());
    expect(graph.seen[1]).toMatch(/&\$skip=2$/);
    expect(second).toMatchObject({ hasNextPage: false, totalCount: 3 });
    expect(second.edges.map((edge) => edge.node.id)).toEqual(['c']);

    on('GET', /\?/).reply(200, recorded(page(3, ['b', 'c'])), json);
    await client.listSessions(resource, { first: two, after: first.edges[0]!.cursor, filter }, call());
    expect(graph.seen[2]).toMatch(/&\$skip=1$/);
  });

  it('follows Graph’s own nextLink through the cursor', async () => {
    const client = clientFor('https://graph.test/beta').sessions;
    const nextLink = `https://graph.test${BETA}?$top=2&$count=true&$skiptoken=opaque`;
    on('GET', /\?/).reply(200, recorded(page(9, ['a', 'b'], nextLink)), json);
    const first = await client.listSessions(resource, { first: two }, call());
    expect(first.hasNextPage).toBe(true);
    on('GET', /\?/).reply(200, recorded(page(9, ['c', 'd'])), json);
    await client.listSessions(resource, { first: two, after: first.endCursor }, call());
    expect(graph.seen[1]).toBe(`GET ${BETA}?$top=2&$count=true&$skiptoken=opaque`);
  });

  it('answers an empty page without a cursor', async () => {
    on('GET', /\?/).reply(200, { value: [] }, json);
    expect(await clientFor('https://graph.test/v1.0').sessions.listSessions(resource, { first: parsePageSize(5) }, call())).toEqual({
      edges: [],
      totalCount: undefined,
      endCursor: undefined,
      hasNextPage: false,
    });
  });

  describe('refuses before any call', () => {
    const binding = cursorBinding(resource, {});
    it.each([
      ['a cursor made under another filter', makeCursor({ skip: 2 }, cursorBinding(resource, { status: UploadSessionStatus.COMPLETE }))],
      ['a cursor made for another resource', makeCursor({ skip: 2 }, cursorBinding({ ...resource, resourceId: key.uploadSessionId }, {}))],
      ['a cursor pointing at another host', makeCursor({ skip: 2, nextLink: `https://evil.example${BETA}?$skiptoken=x` }, binding)],
      ['a cursor pointing at another resource', makeCursor({ skip: 2, nextLink: `https://graph.test${V1}?$skiptoken=x` }, binding)],
      ['a cursor whose link changes the filter', makeCursor({ skip: 2, nextLink: `https://graph.test${BETA}?$filter=status%20eq%20'complete'` }, binding)],
      ['a cursor whose link asks for more', makeCursor({ skip: 2, nextLink: `https://graph.test${BETA}?$expand=files` }, binding)],
      ['garbage', 'not-a-cursor!'],
    ])('%s', async (_name, after) => {
      const error = (await failure(clientFor('https://graph.test/beta').sessions.listSessions(resource, { first: two, after }, call()))) as InvalidInputError;
      expect(error.invalidArguments).toEqual(['after']);
      expect(toGraphQLError(error).extensions).toEqual({ code: 'BAD_USER_INPUT', invalidArguments: ['after'] });
    });
  });
});

describe('the page of files an upload reads first', () => {
  const session = `${BETA}/${key.uploadSessionId}`;
  const upload = (client: ReturnType<typeof clientFor>) =>
    client.sessions.uploadFile(key, { fileName: parseFileName('a.csv'), body: (async function* () { yield Buffer.from('a,b\n'); })() }, call());
  const lostAnswer = () =>
    on('POST', `${session}/uploadFile`).reply(504, async (options) => {
      for await (const chunk of options.body as AsyncIterable<Uint8Array>) void chunk;
      graph.seen.push('POST uploadFile');
      return '';
    });

  it('is one capped page ($top=100, $count)', async () => {
    on('GET', /\/files\?/).reply(200, recorded({ value: [] }), json);
    on('POST', `${session}/uploadFile`).reply(200, recorded({ ...created, files: [{ id: 'f', name: 'a.csv', size: 4 }] }), json);
    await upload(clientFor('https://graph.test/beta'));
    expect(graph.seen[0]).toBe(`GET ${session}/files?$top=100&$count=true`);
  });

  it.each([
    ['a count beyond the page', { '@odata.count': 101, value: [] }],
    ['a nextLink, even one elsewhere', { value: [], '@odata.nextLink': 'https://evil.example/files' }],
  ])('with %s, a lost answer cannot be verified: the failure stands and the session is not read', async (_name, page) => {
    on('GET', /\/files\?/).reply(200, recorded(page), json);
    lostAnswer();
    on('GET', /expand=files$/).reply(200, recorded(created), json);
    const error = (await failure(upload(clientFor('https://graph.test/beta')))) as GraphRequestError;
    expect(error.failure).toMatchObject({ status: 504, mayHaveLanded: true });
    expect(graph.seen.map((line) => line.split(' ')[0])).toEqual(['GET', 'POST']);
  });
});
