import type { GraphPaths } from '../graph-paths';
import { bindingOf } from '../odata/cursor';
import type { ResourceKey } from '../odata/ids';
import { InvalidInputError } from '../odata/invalid-input';
import type { PagedList } from '../odata/pages';
import type { PageSize } from '../odata/paging';
import { toUploadSession, type UploadSession, type UploadSessionStatus } from './upload-session';

export interface SessionFilter {
  status?: UploadSessionStatus;
  referenceId?: string;
}

export interface SessionPageRequest {
  first: PageSize;
  /** An `endCursor` or edge cursor of an earlier page, under the same resource and filter. */
  after?: string;
  filter?: SessionFilter;
}

export interface UploadSessionPage {
  /** The sessions, each with the cursor that starts the page after it. */
  edges: { cursor: string; node: UploadSession }[];
  /** Graph's `@odata.count` under the filter, when Graph sent it. */
  totalCount?: number;
  endCursor?: string;
  hasNextPage: boolean;
}

const MAX_REFERENCE_ID = 256;

const GRAPH_STATUS: Record<UploadSessionStatus, string> = {
  ACTIVE: 'active',
  COMPLETE: 'complete',
  EXPIRED: 'expired',
  UNKNOWN_FUTURE_VALUE: 'unknownFutureValue',
};

/**
 * A resource's sessions as Graph pages them, newest first, under `filter`. Its cursors are bound to the
 * resource and the filter: one made for another resource or filter is refused.
 */
export function sessionList(paths: GraphPaths, resource: ResourceKey, filter: SessionFilter = {}): PagedList<UploadSession> {
  const path = paths.sessions(resource);
  const odataFilter = toODataFilter(filter);
  return {
    path,
    query: { filter: odataFilter, orderBy: 'createdDateTime desc' },
    binding: cursorBinding(resource, filter),
    checkLink: (link) => paths.pagingLinkPath(link, path, odataFilter),
    item: (json) => toUploadSession(json, resource),
  };
}

export function cursorBinding(resource: ResourceKey, filter: SessionFilter): string {
  return bindingOf([resource.catalogId, resource.resourceId, filter.status ?? null, filter.referenceId ?? null]);
}

/** A filter as a caller sent it, checked: a status Graph knows, a reference id of 1 to 256 characters. */
export function parseSessionFilter({ status, referenceId }: { status?: unknown; referenceId?: unknown }): SessionFilter {
  const filter: SessionFilter = {};
  if (status !== undefined) {
    if (typeof status !== 'string' || !Object.hasOwn(GRAPH_STATUS, status)) throw new InvalidInputError({ kind: 'session-status', argument: 'filter.status' });
    filter.status = status as UploadSessionStatus;
  }
  if (referenceId !== undefined) {
    if (typeof referenceId !== 'string' || referenceId.length === 0 || referenceId.length > MAX_REFERENCE_ID) {
      throw new InvalidInputError({ kind: 'reference-id', argument: 'filter.referenceId', max: MAX_REFERENCE_ID });
    }
    filter.referenceId = referenceId;
  }
  return filter;
}

/** OData string literals double a quote; nothing else needs escaping inside one. */
export function toODataFilter({ status, referenceId }: SessionFilter): string | undefined {
  const clauses: string[] = [];
  if (status !== undefined) clauses.push(`status eq '${GRAPH_STATUS[status]}'`);
  if (referenceId !== undefined) clauses.push(`referenceId eq '${referenceId.replaceAll("'", "''")}'`);
  return clauses.length > 0 ? clauses.join(' and ') : undefined;
}
