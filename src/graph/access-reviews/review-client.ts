import { AccessReviewStatus, REVIEW_STATUS, reviewsCatalog, toDefinition, toInstance, type AccessReviewDefinition, type AccessReviewInstance } from './review';
import { makeInstanceCursor, readInstanceCursor, type InstancePosition } from './review-cursor';
import type { AccessReviewPaths, InstanceKey } from './review-paths';
import { read, unreadable } from '../transport/graph-answer';
import { parseKnown } from '../odata/graph-enum';
import { GraphRequestError, type GraphBounded, type GraphSubject } from '../transport/graph-failure';
import type { GraphCall, GraphTransport } from '../transport/graph-transport';
import { retryIdempotent } from '../transport/retry-policy';
import { ReviewScopeError } from './review-scope';
import { parseGuids, type ResourceKey } from '../odata/ids';
import type { UploadSession } from '../upload-sessions/upload-session';
import { bindingOf } from '../odata/cursor';
import { collection, type PageSize } from '../odata/paging';

/**
 * ASSUMPTIONS (Graph documents neither bound): the route lists at most this many pages of definitions
 * (100 each, Graph's default page), and a catalog has at most this many review definitions. They bound
 * the Graph calls one `accessReviews` page makes, as the Graph-call limit requires.
 */
export const MAX_DEFINITION_PAGES = 3;
export const MAX_CATALOG_DEFINITIONS = 5;

/** The Graph calls one page of instances may make: the definitions' pages, one read per catalog definition, the sessions. */
export const INSTANCE_PAGE_GRAPH_CALLS = MAX_DEFINITION_PAGES + MAX_CATALOG_DEFINITIONS + 1;

export const READ_PERMISSION = 'AccessReview.Read.All';
export const WRITE_PERMISSION = 'AccessReview.ReadWrite.All';

/** A review instance of a catalog, named for one of its resources: every id a GUID. */
export interface ReviewKey extends ResourceKey, InstanceKey {}

export interface InstanceFilter {
  status?: AccessReviewStatus;
  needsUpload?: boolean;
}

export interface InstancePageRequest {
  first: PageSize;
  after?: string;
  filter?: InstanceFilter;
}

export interface AccessReviewInstancePage {
  edges: { cursor: string; node: AccessReviewInstance }[];
  endCursor?: string;
  hasNextPage: boolean;
  /** The resource's sessions by lower-cased referenceId: one Graph read for the whole page, made on first use. */
  sessions(): Promise<ReadonlyMap<string, UploadSession>>;
}

/** Reads the resource's sessions in one Graph call (graph-client.ts owns the sessions collection). */
export type SessionsReader = (resource: ResourceKey, call: GraphCall) => Promise<UploadSession[]>;

/** Only the key's own ids are read: an input object carries other fields too. */
export function parseReviewKey(input: { catalogId: string; resourceId: string; reviewDefinitionId: string; reviewInstanceId: string }): ReviewKey {
  return parseGuids({ catalogId: input.catalogId, resourceId: input.resourceId, reviewDefinitionId: input.reviewDefinitionId, reviewInstanceId: input.reviewInstanceId });
}

/** A filter as a caller sent it: a status Graph can filter by (not UNKNOWN_FUTURE_VALUE). */
export function parseInstanceFilter({ status, needsUpload }: { status?: AccessReviewStatus | null; needsUpload?: boolean | null }): InstanceFilter {
  return { status: status == null ? undefined : parseKnown(status, 'filter.status'), needsUpload: needsUpload ?? undefined };
}

/** INITIALIZING, the resource has no completed session for the instance, and the upload window is open. */
export function needsUpload(instance: AccessReviewInstance, sessions: ReadonlyMap<string, UploadSession>, now = Date.now()): boolean {
  const session = sessions.get(instance.id.toLowerCase());
  const windowOpen = instance.uploadDeadline === null || instance.uploadDeadline.getTime() > now;
  return instance.status === AccessReviewStatus.INITIALIZING && !session?.isUploadDone && windowOpen;
}

/** The catalog's review instances and the checks that keep a caller to its own catalog's reviews. */
export class AccessReviewClient {
  constructor(
    private readonly paths: AccessReviewPaths,
    private readonly transport: GraphTransport,
    private readonly readSessions: SessionsReader,
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
    const binding = bindingOf(['instances', resource.catalogId.toLowerCase(), resource.resourceId.toLowerCase(), filter.status ?? null, filter.needsUpload ?? null]);
    const position = after === undefined ? new Map<string, number>() : readInstanceCursor(after, binding);
    const definitions = await this.catalogDefinitions(resource.catalogId, call);
    const status = filter.status ?? (filter.needsUpload ? AccessReviewStatus.INITIALIZING : undefined);
    const lists = await Promise.all(definitions.map((definition) => this.instancesOf(definition, position.get(definition.id.toLowerCase()) ?? 0, first, status, call)));
    const merged = mergeNewestFirst(lists, position, first);
    const sessions = once(async () => byReference(await this.readSessions(resource, call)));
    const served = filter.needsUpload === undefined ? merged.items : keepNeedsUpload(merged.items, filter.needsUpload, await sessions());
    const edges = served.map(({ node, after: next }) => ({ node, cursor: makeInstanceCursor(next, binding) }));
    const endCursor = merged.items.length > 0 ? makeInstanceCursor(merged.end, binding) : undefined;
    return { edges, endCursor, hasNextPage: merged.hasNextPage, sessions };
  }

  /**
   * The checks before any decision is read or any apply result written, in every auth mode: the gateway's
   * own identity may read every review in the tenant, so the caller's catalog must be the definition's,
   * and the instance must be that definition's (v1.0's batch-apply path names only the instance).
   * FORBIDDEN or NOT_FOUND otherwise, with nothing read beyond the definition and the instance.
   */
  async confirmReview(key: ReviewKey, permission: string, call: GraphCall): Promise<AccessReviewInstance> {
    const definitionAnswer = await this.get(this.paths.definition(key.reviewDefinitionId), call, permission, 'review definition');
    const definition = read(definitionAnswer, toDefinition);
    if (!reviewsCatalog(definition, key.catalogId)) throw notThisCatalog('definition');
    const instanceAnswer = await this.get(this.paths.instance(key), call, permission, 'review instance');
    const instance = read(instanceAnswer, (json) => toInstance(json, definition));
    // The instance's scope is its definition's, copied: one that names other catalogs is not this one's.
    if (instance.catalogIds.length > 0 && !reviewsCatalog(instance, key.catalogId)) throw notThisCatalog('instance');
    return instance;
  }

  /** GET of a review's part: a failure carries what was asked for and the permission it needs. */
  async get(path: string, call: GraphCall, permission: string, subject: GraphSubject) {
    return this.transport.send({ method: 'GET', path, retryable: retryIdempotent, subject, permission }, call);
  }

  private async catalogDefinitions(catalogId: string, call: GraphCall): Promise<AccessReviewDefinition[]> {
    const definitionsPath = this.paths.definitions();
    const matching: AccessReviewDefinition[] = [];
    let path: string | undefined = `${definitionsPath}?$top=100`;
    for (let page = 0; path !== undefined; page++) {
      if (page === MAX_DEFINITION_PAGES) throw tooMany('definition pages', MAX_DEFINITION_PAGES);
      const answer = await this.get(path, call, READ_PERMISSION, 'review definitions');
      const { value, nextLink } = read(answer, collection);
      matching.push(...read(answer, () => value.map(toDefinition)).filter((definition) => reviewsCatalog(definition, catalogId)));
      path = nextLink === undefined ? undefined : this.paths.pagingLink(nextLink, definitionsPath);
      if (nextLink !== undefined && path === undefined) throw unreadable(answer, 'the definitions nextLink leaves the definitions');
    }
    if (matching.length > MAX_CATALOG_DEFINITIONS) throw tooMany('catalog definitions', MAX_CATALOG_DEFINITIONS);
    return matching;
  }

  /** One read of a definition's instances, newest first, from `offset`; one more than a page tells whether more follow. */
  private async instancesOf(definition: AccessReviewDefinition, offset: number, first: number, status: AccessReviewStatus | undefined, call: GraphCall): Promise<InstanceList> {
    const query = [`$top=${first + 1}`, `$orderby=${encodeURIComponent('startDateTime desc')}`];
    if (status !== undefined) query.push(`$filter=${encodeURIComponent(`status eq '${REVIEW_STATUS.pascal(status)}'`)}`);
    if (offset > 0) query.push(`$skip=${offset}`);
    const answer = await this.get(`${this.paths.instances(definition.id)}?${query.join('&')}`, call, READ_PERMISSION, 'review definition');
    const { value, nextLink } = read(answer, collection);
    const items = read(answer, () => value.map((json) => toInstance(json, definition))).sort(newestFirst);
    return { definitionId: definition.id.toLowerCase(), items, more: items.length > 0 && (items.length > first || nextLink !== undefined) };
  }
}

interface InstanceList {
  definitionId: string;
  items: AccessReviewInstance[];
  /** Graph has instances of this definition beyond `items`. */
  more: boolean;
}

interface MergedPage {
  /** Each instance with the position just after it. */
  items: { node: AccessReviewInstance; after: InstancePosition }[];
  end: InstancePosition;
  hasNextPage: boolean;
}

/** The k-way merge: stops where a definition whose read ran out may still hold a newer instance than the next one. */
export function mergeNewestFirst(lists: InstanceList[], start: InstancePosition, first: number): MergedPage {
  const taken = lists.map(() => 0);
  const position = new Map(start);
  const items: MergedPage['items'] = [];
  while (items.length < first && !lists.some((list, index) => list.more && taken[index] === list.items.length)) {
    let pick = -1;
    lists.forEach((list, index) => {
      const head = list.items[taken[index]!];
      if (head && (pick < 0 || newestFirst(head, lists[pick]!.items[taken[pick]!]!) < 0)) pick = index;
    });
    if (pick < 0) break;
    const list = lists[pick]!;
    const node = list.items[taken[pick]!++]!;
    position.set(list.definitionId, (position.get(list.definitionId) ?? 0) + 1);
    items.push({ node, after: new Map(position) });
  }
  const hasNextPage = lists.some((list, index) => list.more || taken[index]! < list.items.length);
  return { items, end: position, hasNextPage };
}

function newestFirst(a: AccessReviewInstance, b: AccessReviewInstance): number {
  const time = (instance: AccessReviewInstance) => instance.startDateTime?.getTime() ?? -Infinity;
  return time(b) - time(a) || a.id.localeCompare(b.id);
}

function keepNeedsUpload<T extends { node: AccessReviewInstance }>(items: T[], wanted: boolean, sessions: ReadonlyMap<string, UploadSession>): T[] {
  return items.filter(({ node }) => needsUpload(node, sessions) === wanted);
}

function byReference(sessions: UploadSession[]): ReadonlyMap<string, UploadSession> {
  const map = new Map<string, UploadSession>();
  for (const session of sessions) if (session.referenceId) map.set(session.referenceId.toLowerCase(), session);
  return map;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

function notThisCatalog(what: 'definition' | 'instance'): ReviewScopeError {
  return new ReviewScopeError(what);
}

function tooMany(what: GraphBounded, limit: number): GraphRequestError {
  return new GraphRequestError({ kind: 'unreadable', message: `more ${what} than ${limit}`, bound: { what, limit } });
}
