import { badRequest } from './http-error';
import type { StoredSession } from './session-store';

/**
 * ASSUMPTIONS (Graph documents the options, not their bounds): a page holds 100 sessions unless `$top`
 * says otherwise, `$top` is 1-999, and sessions come oldest first unless `$orderby` says otherwise.
 */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;
export const DEFAULT_ORDER: SortOrder = 'asc';

/** The session properties `$select` may name (`id` is always kept, as are annotations). */
const SELECTABLE = new Set(['id', 'createdDateTime', 'isUploadDone', 'referenceId', 'status', 'stats', 'data', 'expirationDateTime', 'files']);

export type SortOrder = 'asc' | 'desc';
export type FilterClause = { property: 'status' | 'referenceId'; value: string };

/** The options every read of a session honours. */
export interface EntityQuery {
  select: string[] | undefined;
  expandFiles: boolean;
}

export interface ListQuery extends EntityQuery {
  filter: FilterClause[];
  top: number;
  /** Where the page starts: from `$skiptoken` when following a nextLink, else `$skip`. */
  offset: number;
  count: boolean;
  order: SortOrder;
}

export function parseEntityQuery(params: URLSearchParams): EntityQuery {
  return { select: parseSelect(params.get('$select')), expandFiles: parseExpand(params.get('$expand')) };
}

export function parseListQuery(params: URLSearchParams): ListQuery {
  const skiptoken = params.get('$skiptoken');
  return {
    ...parseEntityQuery(params),
    filter: parseFilter(params.get('$filter')),
    top: parseWhole(params.get('$top'), '$top', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    offset: skiptoken === null ? parseWhole(params.get('$skip'), '$skip', 0, 0, Number.MAX_SAFE_INTEGER) : readSkipToken(skiptoken),
    count: parseCount(params.get('$count')),
    order: parseOrder(params.get('$orderby')),
  };
}

/** ASSUMPTION (OData compares strings exactly; Graph is often lenient): `referenceId` matches whatever the case. */
export function matchesFilter(session: StoredSession, filter: readonly FilterClause[]): boolean {
  return filter.every(({ property, value }) =>
    property === 'status' ? session.status === value : (session.referenceId ?? '').toLowerCase() === value.toLowerCase(),
  );
}

/** Keeps the `$select`ed properties, `id`, the annotations and expanded files. */
export function applySelect(json: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return json;
  return Object.fromEntries(Object.entries(json).filter(([name]) => name === 'id' || name.startsWith('@odata.') || name === 'files' || select.includes(name)));
}

/** The link to the next page: the same request with an opaque `$skiptoken` instead of `$skip`. */
export function nextLink(requestUrl: URL, offset: number): string {
  const next = new URL(requestUrl.href);
  next.searchParams.delete('$skip');
  next.searchParams.set('$skiptoken', Buffer.from(`offset:${offset}`).toString('base64url'));
  return next.href;
}

export function readSkipToken(token: string): number {
  const offset = /^offset:(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString('utf8'))?.[1];
  if (offset === undefined) throw badRequest('The $skiptoken is not valid.');
  return Number(offset);
}

const CLAUSE = /\s*(status|referenceId)\s+eq\s+'((?:[^']|'')*)'/y;
const AND = /\s+and\s+/y;
const END = /\s*$/y;
const STATUSES = new Set(['active', 'complete', 'expired']);

/** `status eq '…'` and `referenceId eq '…'`, joined by `and`; anything else is Graph's "Invalid filter clause". */
export function parseFilter(text: string | null): FilterClause[] {
  if (text === null) return [];
  const clauses: FilterClause[] = [];
  let position = 0;
  for (;;) {
    CLAUSE.lastIndex = position;
    const clause = CLAUSE.exec(text);
    if (!clause) throw badRequest('Invalid filter clause');
    const property = clause[1] as FilterClause['property'];
    const value = clause[2]!.replaceAll("''", "'");
    if (property === 'status' && !STATUSES.has(value)) throw badRequest('Invalid filter clause');
    clauses.push({ property, value });
    position = CLAUSE.lastIndex;
    END.lastIndex = position;
    if (END.test(text)) return clauses;
    AND.lastIndex = position;
    if (!AND.exec(text)) throw badRequest('Invalid filter clause');
    position = AND.lastIndex;
  }
}

export function parseWhole(text: string | null, name: string, fallback: number, min: number, max: number): number {
  if (text === null) return fallback;
  const value = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw badRequest(`Invalid value for ${name}: it must be a whole number from ${min} to ${max}.`);
  return value;
}

export function parseCount(text: string | null): boolean {
  if (text === null || text === 'false') return false;
  if (text === 'true') return true;
  throw badRequest('Invalid value for $count: it must be true or false.');
}

function parseOrder(text: string | null): SortOrder {
  if (text === null) return DEFAULT_ORDER;
  const order = /^\s*createdDateTime(?:\s+(asc|desc))?\s*$/.exec(text);
  if (!order) throw badRequest('Invalid $orderby: only createdDateTime asc or desc is supported.');
  return (order[1] as SortOrder | undefined) ?? 'asc';
}

function parseSelect(text: string | null): string[] | undefined {
  if (text === null) return undefined;
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !SELECTABLE.has(name));
  if (unknown !== undefined) throw badRequest(`Could not find a property named '${unknown}' on the upload session.`);
  return names;
}

function parseExpand(text: string | null): boolean {
  if (text === null) return false;
  const names = text.split(',').map((name) => name.trim());
  if (!names.every((name) => name === 'files')) throw badRequest('Only files can be expanded on an upload session.');
  return true;
}
