import { InvalidInputError } from './invalid-input';
import { UnreadableSessionError, type UploadSession, type UploadSessionStatus } from '../upload-sessions/upload-session';
import type { SessionFilter } from './cursor';

/** ASSUMPTION: a page of at most 100 sessions; Graph documents no $top limit for this collection. */
export const MAX_PAGE_SIZE = 100;
const MAX_REFERENCE_ID = 256;

const GRAPH_STATUS: Record<UploadSessionStatus, string> = {
  ACTIVE: 'active',
  COMPLETE: 'complete',
  EXPIRED: 'expired',
  UNKNOWN_FUTURE_VALUE: 'unknownFutureValue',
};

/** The query parameters a Graph nextLink may carry back to us: paging's, nothing that changes what is read. */
export const PAGING_PARAMS = new Set(['$top', '$skip', '$skiptoken', '$filter', '$count', '$orderby']);

export interface SessionPageRequest {
  first: PageSize;
  /** An `endCursor` or edge cursor of an earlier page, under the same resource and filter. */
  after?: string;
  filter?: SessionFilter;
}

export interface UploadSessionPage {
  sessions: UploadSession[];
  /** The same sessions, each with the cursor that starts the page after it. */
  edges: { cursor: string; node: UploadSession }[];
  /** Graph's `@odata.count` under the filter, when Graph sent it. */
  totalCount?: number;
  endCursor?: string;
  hasNextPage: boolean;
}

declare const pageSize: unique symbol;
/** 1 to MAX_PAGE_SIZE: made only by `parsePageSize`. */
export type PageSize = number & { readonly [pageSize]: true };

export function parsePageSize(first: number): PageSize {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new InvalidInputError({ kind: 'page-size', argument: 'first', max: MAX_PAGE_SIZE });
  }
  return first as PageSize;
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

export function pageQuery(top: number, odataFilter: string | undefined, skip: number): string {
  const query = [`$top=${top}`];
  if (odataFilter !== undefined) query.push(`$filter=${encodeURIComponent(odataFilter)}`);
  query.push('$count=true', `$orderby=${encodeURIComponent('createdDateTime desc')}`);
  if (skip > 0) query.push(`$skip=${skip}`);
  return `?${query.join('&')}`;
}

/** Graph's collection envelope: `value`, and `@odata.nextLink` / `@odata.count` when Graph sends them. */
export function collection(json: unknown): { value: unknown[]; nextLink?: string; count?: number } {
  const body = json as Record<string, unknown> | null;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.value)) throw new UnreadableSessionError('the answer has no value list');
  const nextLink = body['@odata.nextLink'];
  const rawCount = body['@odata.count'];
  const count = typeof rawCount === 'string' && /^\d+$/.test(rawCount) ? Number(rawCount) : rawCount;
  return {
    value: body.value,
    nextLink: typeof nextLink === 'string' ? nextLink : undefined,
    count: Number.isSafeInteger(count) ? (count as number) : undefined,
  };
}
