import type { GraphPaths } from '../graph-paths';
import { bindingOf } from '../odata/cursor';
import { parseKnown } from '../odata/graph-enum';
import { idKey, type Guid, type ResourceKey } from '../odata/ids';
import { collection } from '../odata/json-readers';
import { readAll, readPage } from '../odata/pages';
import { MAX_PAGE_SIZE, type PageSize } from '../odata/paging';
import { read } from '../transport/graph-answer';
import { GraphRequestError, type GraphBounded } from '../transport/graph-failure';
import type { GraphTransport } from '../transport/graph-transport';
import type { GraphCall } from '../transport/graph-request';
import { retryIdempotent } from '../transport/retry-policy';
import { sessionList } from '../upload-sessions/session-list';
import type { UploadSession } from '../upload-sessions/upload-session';
import { mergeNewestFirst, newestFirst, type InstanceList } from './instance-merge';
import { AccessReviewStatus, REVIEW_STATUS, reviewsCatalog, toDefinition, toInstance, type AccessReviewDefinition, type AccessReviewInstance } from './review';
import { READ_PERMISSION, reviewGet } from './review-check';
import { makeInstanceCursor, readInstanceCursor } from './review-cursor';
import type { AccessReviewPaths } from './review-paths';

/**
 * ASSUMPTIONS (Graph documents neither bound): the route lists at most this many pages of definitions
 * (100 each, Graph's default page), and a catalog has at most this many review definitions. They bound
 * the Graph calls one `accessReviews` page makes, as the Graph-call limit requires.
 */
export const MAX_DEFINITION_PAGES = 3;
export const MAX_CATALOG_DEFINITIONS = 5;


export interface InstanceFilter {
  status?: AccessReviewStatus;
  needsUpload?: boolean;
}

export interface InstancePageRequest {
  first: PageSize;
  after?: string;
  filter?: InstanceFilter;
}

/** The resource's sessions by the instance they are for (sessionOf reads it). */
export type SessionsByInstance = ReadonlyMap<string, UploadSession>;

export interface AccessReviewInstancePage {
  edges: { cursor: string; node: AccessReviewInstance }[];
  endCursor?: string;
  hasNextPage: boolean;
  /** The resource's sessions: one Graph read for the whole page, made on first use. */
  sessions(): Promise<SessionsByInstance>;
}

/** A filter as a caller sent it: a status Graph can filter by (not UNKNOWN_FUTURE_VALUE). */
export function parseInstanceFilter({ status, needsUpload }: { status?: AccessReviewStatus | null; needsUpload?: boolean | null }): InstanceFilter {
  return { status: status == null ? undefined : parseKnown(status, 'filter.status'), needsUpload: needsUpload ?? undefined };
}

/** The resource's session for the instance (its `referenceId` is the instance's id), if it has one. */
export function sessionOf(instance: AccessReviewInstance, sessions: SessionsByInstance): UploadSession | undefined {
  return sessions.get(idKey(instance.id));
}

/** INITIALIZING, the resource has no completed session for the instance, and the upload window is open. */
export function needsUpload(instance: AccessReviewInstance, sessions: SessionsByInstance, now = Date.now()): boolean {
  const windowOpen = instance.uploadDeadline === null || instance.uploadDeadline.getTime() > now;
  return instance.status === AccessReviewStatus.INITIALIZING && !sessionOf(instance, sessions)?.isUploadDone && windowOpen;
}

/** The catalog's review instances, each with the resource's upload session for it. */
export class AccessReviewClient {
  constructor(
    private readonly paths: AccessReviewPaths,
    private readonly sessionPaths: GraphPaths,
    private readonly transport: GraphTransport,
  ) {}

  /**
   * A newest-first page of the instances of every definition whose scope names the catalog. Graph cannot
   * filter definitions by catalog, so the definitions are listed (following nextLinks) and matched here;
   * then each matching definition's instances are read once, from where the cursor says that definition's
   * list goes on, and merged. An instance is served only once every definition with more instances has
   * shown one at least as old, so a short page from Graph never puts an instance out of order.
   */
  async listInstances(resource: ResourceKey, request: InstancePageRequest, call: GraphCall): Promise<AccessReviewInstancePage> {
    const { first, after, filter = {} } = request;
    const binding = bindingOf(['instances', resource.catalogId, resource.resourceId, filter.status ?? null, filter.needsUpload ?? null]);
    const position = after === undefined ? new Map<string, number>() : readInstanceCursor(after, binding);
    const definitions = await this.catalogDefinitions(resource.catalogId, call);
    const status = filter.status ?? (filter.needsUpload ? AccessReviewStatus.INITIALIZING : undefined);
    const lists = await Promise.all(definitions.map((definition) => this.instancesOf(definition, position.get(idKey(definition.id)) ?? 0, first, status, call)));
    const merged = mergeNewestFirst(lists, position, first);
    const sessions = once(async () => byInstance(await this.newestSessions(resource, call)));
    const wanted = filter.needsUpload;
    const served = wanted === undefined ? merged.items : await sessions().then((all) => merged.items.filter(({ node }) => needsUpload(node, all) === wanted));
    const edges = served.map(({ node, after: next }) => ({ node, cursor: makeInstanceCursor(next, binding) }));
    const endCursor = merged.items.length > 0 ? makeInstanceCursor(merged.end, binding) : undefined;
    return { edges, endCursor, hasNextPage: merged.hasNextPage, sessions };
  }

  private async catalogDefinitions(catalogId: Guid, call: GraphCall): Promise<AccessReviewDefinition[]> {
    const definitionsPath = this.paths.definitions();
    const definitions = await readAll(
      {
        firstPage: `${definitionsPath}?$top=100`,
        maxPages: MAX_DEFINITION_PAGES,
        tooMany: () => tooMany('definition pages', MAX_DEFINITION_PAGES),
        checkLink: (link) => this.paths.pagingLink(link, definitionsPath),
        item: toDefinition,
      },
      (path) => reviewGet(this.transport, path, call, READ_PERMISSION, 'review definitions'),
    );
    const matching = definitions.filter((definition) => reviewsCatalog(definition, catalogId));
    if (matching.length > MAX_CATALOG_DEFINITIONS) throw tooMany('catalog definitions', MAX_CATALOG_DEFINITIONS);
    return matching;
  }

  /** One read of a definition's instances, newest first, from `offset`; one more than a page tells whether more follow. */
  private async instancesOf(definition: AccessReviewDefinition, offset: number, first: number, status: AccessReviewStatus | undefined, call: GraphCall): Promise<InstanceList> {
    const query = [`$top=${first + 1}`, `$orderby=${encodeURIComponent('startDateTime desc')}`];
    if (status !== undefined) query.push(`$filter=${encodeURIComponent(`status eq '${REVIEW_STATUS.pascal(status)}'`)}`);
    if (offset > 0) query.push(`$skip=${offset}`);
    const answer = await reviewGet(this.transport, `${this.paths.instances(definition.id)}?${query.join('&')}`, call, READ_PERMISSION, 'review definition');
    const { value, nextLink } = read(answer, collection);
    const items = read(answer, () => value.map((json) => toInstance(json, definition))).sort(newestFirst);
    return { definitionId: idKey(definition.id), items, more: items.length > 0 && (items.length > first || nextLink !== undefined) };
  }

  /**
   * One read of the resource's sessions, on this client's own transport use. ASSUMPTION: the sessions of a page
   * of instances are among the resource's newest MAX_PAGE_SIZE sessions (one session per instance, both listed
   * newest first): one read serves the page.
   */
  private async newestSessions(resource: ResourceKey, call: GraphCall): Promise<UploadSession[]> {
    const get = (path: string) => this.transport.send({ method: 'GET', path, retryable: retryIdempotent, subject: 'resource' }, call);
    return (await readPage(sessionList(this.sessionPaths, resource), MAX_PAGE_SIZE, { skip: 0 }, get)).items;
  }
}

function byInstance(sessions: UploadSession[]): SessionsByInstance {
  const map = new Map<string, UploadSession>();
  for (const session of sessions) if (session.referenceId) map.set(idKey(session.referenceId), session);
  return map;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

function tooMany(what: GraphBounded, limit: number): GraphRequestError {
  return new GraphRequestError({ kind: 'unreadable', message: `more ${what} than ${limit}`, mayHaveLanded: false, bound: { what, limit } });
}
