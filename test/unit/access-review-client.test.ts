import { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { InvalidInputError } from '../../src/graph/odata/invalid-input';
import { parseResourceKey } from '../../src/graph/odata/ids';
import { parsePageSize } from '../../src/graph/odata/paging';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { AccessReviewStatus } from '../../src/graph/access-reviews/review';
import { dropConnection, fakeCall, FakeGraph, REVIEW_IDS, type FakeAnswer, type FakeRequest } from '../support/fake-graph';

const { catalogId: C, resourceId: R, otherCatalogId: OTHER_C } = REVIEW_IDS;
const D1 = 'd1000000-0000-4000-8000-000000000001';
const D2 = 'd1000000-0000-4000-8000-000000000002';
const DX = 'd1000000-0000-4000-8000-00000000000f';
const DG = 'd1000000-0000-4000-8000-00000000000e';
const [I1, I2, I3, I4] = [1, 2, 3, 4].map((n) => `a1000000-0000-4000-8000-00000000000${n}`) as [string, string, string, string];
// The reviews are placed around the real clock: needsUpload ends at the upload deadline, which is read against it.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const at = (hours: number) => new Date(NOW - hours * 3600_000).toISOString();

const catalogScope = (catalogId: string) => ({
  '@odata.type': '#microsoft.graph.principalResourceMembershipsScope',
  resourceScopes: [{ '@odata.type': '#microsoft.graph.accessReviewResourceScope', resourceId: catalogId, scopeType: 'Catalog' }],
});
const definitions = [
  { id: DX, displayName: 'Finance', scope: catalogScope(OTHER_C) },
  { id: D1, displayName: 'Building A', scope: catalogScope(C.toUpperCase()) },
  { id: DG, displayName: 'Sales group', scope: { '@odata.type': '#microsoft.graph.accessReviewQueryScope', query: '/groups/x/transitiveMembers' } },
  { id: D2, displayName: 'Building A, quarterly', scope: catalogScope(C) },
];
const instances: Record<string, { id: string; status: string; startDateTime: string; endDateTime: string }[]> = {
  [D1]: [
    { id: I1, status: 'Initializing', startDateTime: at(0.5), endDateTime: at(-100) },
    { id: I3, status: 'Applying', startDateTime: at(240), endDateTime: at(100) },
  ],
  [D2]: [
    { id: I2, status: 'inProgress', startDateTime: at(48), endDateTime: at(-24) },
    { id: I4, status: 'SomethingNew', startDateTime: at(480), endDateTime: at(300) },
  ],
  [DX]: [{ id: 'a2000000-0000-4000-8000-000000000001', status: 'Applying', startDateTime: at(1), endDateTime: at(-1) }],
};
const session = (referenceId: string, isUploadDone: boolean) => ({
  id: `5e55${referenceId.slice(4)}`,
  status: isUploadDone ? 'complete' : 'active',
  isUploadDone,
  referenceId,
  stats: { filesUploaded: 0, totalBytesUploaded: 0 },
});

interface Options {
  /** Graph's own page size: at most this many items per answer, whatever $top says. */
  pageCap?: number;
  /** Overrides for single requests. */
  override?: (request: FakeRequest) => FakeAnswer | undefined;
}

/** A Graph that serves the definitions above in pages of two, their instances, and the resource's sessions. */
function reviewGraph(version: 'beta' | 'v1.0', { pageCap = 100, override }: Options = {}) {
  const base = `/${version}/identityGovernance/accessReviews${version === 'v1.0' ? '/unified' : ''}`;
  return (request: FakeRequest): FakeAnswer => {
    const answer = override?.(request);
    if (answer) return answer;
    const { pathname, searchParams } = request.url;
    if (pathname.endsWith('/uploadSessions')) return { status: 200, body: { value: [session(I1, false), session(I3, true)] } };
    if (pathname === `${base}/definitions`) {
      const skip = Number(searchParams.get('$skiptoken') ?? 0);
      const next = skip + 2 < definitions.length ? { '@odata.nextLink': `https://graph.test${pathname}?$top=100&$skiptoken=${skip + 2}` } : {};
      return { status: 200, body: { value: definitions.slice(skip, skip + 2), ...next } };
    }
    const list = new RegExp(`^${base}/definitions/([^/]+)/instances$`).exec(pathname);
    if (list) {
      const status = /status eq '(\w+)'/.exec(searchParams.get('$filter') ?? '')?.[1];
      const all = (instances[list[1]!] ?? []).filter((instance) => !status || instance.status.toLowerCase() === status.toLowerCase());
      const skip = Number(searchParams.get('$skip') ?? 0);
      const size = Math.min(Number(searchParams.get('$top')), pageCap);
      const next = skip + size < all.length ? { '@odata.nextLink': `https://graph.test${pathname}?$skip=${skip + size}` } : {};
      return { status: 200, body: { value: all.slice(skip, skip + size), ...next } };
    }
    return { status: 404, body: { error: { code: 'ResourceNotFound' } } };
  };
}

let graph: FakeGraph;
afterEach(() => graph.close());

describe('accessReviews: the catalog’s instances', () => {
  it.each(['v1.0', 'beta'] as const)('on %s lists the catalog’s definitions across Graph’s pages, merges their instances newest first, and reads the sessions once', async (version) => {
    graph = new FakeGraph(reviewGraph(version));
    const page = await graph.client(version).reviews.listInstances(parseResourceKey({ catalogId: C, resourceId: R }), { first: parsePageSize(20) }, fakeCall());
    expect(page.edges.map(({ node }) => node.id)).toEqual([I1, I2, I3, I4]);
    expect(page.edges.map(({ node }) => node.status)).toEqual([
      AccessReviewStatus.INITIALIZING,
      AccessReviewStatus.IN_PROGRESS,
      AccessReviewStatus.APPLYING,
      AccessReviewStatus.UNKNOWN_FUTURE_VALUE,
    ]);
    expect(page.edges[0]!.node).toMatchObject({ reviewDefinitionId: D1, displayName: 'Building A', uploadDeadline: new Date(NOW + 1.5 * 3600_000) });
    expect(page.edges[1]!.node.uploadDeadline).toBeNull();
    expect(page.hasNextPage).toBe(false);
    const root = version === 'v1.0' ? `/v1.0/identityGovernance/accessReviews/unified` : `/beta/identityGovernance/accessReviews`;
    expect(graph.lines()).toEqual([
      `GET ${root}/definitions?$top=100`,
      `GET ${root}/definitions?$top=100&$skiptoken=2`,
      `GET ${root}/definitions/${D1}/instances?$top=21&$orderby=startDateTime desc`,
      `GET ${root}/definitions/${D2}/instances?$top=21&$orderby=startDateTime desc`,
    ]);
    const sessions = await page.sessions();
    await page.sessions();
    expect(graph.lines().filter((line) => line.includes('uploadSessions'))).toHaveLength(1);
    expect(sessions.get(I1)?.isUploadDone).toBe(false);
  });

  it('pages with opaque cursors that carry each definition’s position, and never serves an instance out of order when Graph’s pages are short', async () => {
    graph = new FakeGraph(reviewGraph('v1.0', { pageCap: 1 }));
    const client = graph.client('v1.0');
    const ids: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await client.reviews.listInstances(parseResourceKey({ catalogId: C, resourceId: R }), { first: parsePageSize(3), after }, fakeCall());
      ids.push(...page.edges.map(({ node }) => node.id));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(ids).toEqual([I1, I2, I3, I4]);
  });

  it('filters needsUpload on the INITIALIZING instances Graph filters by status, with the page’s one sessions read', async () => {
    graph = new FakeGraph(reviewGraph('v1.0'));
    const page = await graph.client('v1.0').reviews.listInstances(parseResourceKey({ catalogId: C, resourceId: R }), { first: parsePageSize(20), filter: { needsUpload: true } }, fakeCall());
    expect(page.edges.map(({ node }) => node.id)).toEqual([I1]);
    expect(graph.lines().filter((line) => line.includes("$filter=status eq 'Initializing'"))).toHaveLength(2);
    expect(graph.lines().filter((line) => line.includes('uploadSessions'))).toHaveLength(1);
  });

  it('refuses a cursor made under another filter or catalog before calling Graph', async () => {
    graph = new FakeGraph(reviewGraph('v1.0', { pageCap: 1 }));
    const client = graph.client('v1.0');
    const first = await client.reviews.listInstances(parseResourceKey({ catalogId: C, resourceId: R }), { first: parsePageSize(1) }, fakeCall());
    const calls = graph.seen.length;
    for (const request of [
      { first: parsePageSize(1), after: first.endCursor, filter: { status: AccessReviewStatus.APPLYING } },
      { first: parsePageSize(1), after: 'bm90IGEgY3Vyc29y' },
    ]) {
      await expect(client.reviews.listInstances(parseResourceKey({ catalogId: C, resourceId: R }), request, fakeCall())).rejects.toThrow(InvalidInputError);
    }
    await expect(client.reviews.listInstances(parseResourceKey({ catalogId: OTHER_C, resourceId: R }), { first: parsePageSize(1), after: first.endCursor }, fakeCall())).rejects.toMatchObject({ invalidArguments: ['after'] });
    expect(graph.seen).toHaveLength(calls);
  });

  it('answers FORBIDDEN naming AccessReview.Read.All when Graph refuses the definitions', async () => {
    graph = new FakeGraph(reviewGraph('v1.0', { override: ({ url }) => (url.pathname.endsWith('/definitions') ? { status: 403, body: { error: { code: 'Authorization_RequestDenied' } } } : undefined) }));
    const error = await graph.client('v1.0').reviews.listInstances(parseResourceKey({ catalogId: C, resourceId: R }), { first: parsePageSize(20) }, fakeCall()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphRequestError);
    const rendered = toGraphQLError(error);
    expect(rendered.extensions).toMatchObject({ code: 'FORBIDDEN', graph: { status: 403, code: 'Authorization_RequestDenied' } });
    expect(rendered.message).toContain('AccessReview.Read.All');
  });

  it('survives a lost answer on a definitions page (a GET is retried)', async () => {
    let dropped = false;
    graph = new FakeGraph(reviewGraph('beta', { override: ({ url }) => (url.pathname.endsWith('/definitions') && !dropped ? ((dropped = true), dropConnection()) : undefined) }));
    const page = await graph.client('beta').reviews.listInstances(parseResourceKey({ catalogId: C, resourceId: R }), { first: parsePageSize(2) }, fakeCall());
    expect(page.edges.map(({ node }) => node.id)).toEqual([I1, I2]);
    expect(page.hasNextPage).toBe(true);
  });
});
