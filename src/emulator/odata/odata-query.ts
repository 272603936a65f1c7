import { badRequest, echo } from '../server/http-error';
import { FILE_TYPE, SESSION_TYPE, parseOrderBy, type EntityType, type OrderKey } from './odata-order';
import type { StoredSession } from '../upload-sessions/session-store';

/**
 * ASSUMPTIONS (Graph documents the options, not their bounds): a page holds 100 items unless `$top`
 * says otherwise, `$top` is 1-999, and sessions come oldest first unless `$orderby` says otherwise.
 */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;
export const DEFAULT_ORDER: readonly OrderKey[] = [{ property: 'createdDateTime', descending: false }];

/** The properties `$select` may name besides the type's own (the seed page's `expirationDateTime`). */
const EXTRA_SELECTABLE = ['expirationDateTime'];

export type FilterClause = { property: 'status' | 'referenceId'; value: string };

/** Paging, order and `$select` over a collection (sessions, or a session's files). */
export interface CollectionQuery {
  select: string[] | undefined;
  order: readonly OrderKey[];
  /** Undefined: every item (inside `$expand`), else the page size. */
  top: number | undefined;
  offset: number;
  count: boolean;
}

/** The options every read of a session honours; `expand` is how `$expand=files(…)` shapes the files. */
export interface EntityQuery {
  select: string[] | undefined;
  expand: CollectionQuery | undefined;
}

export interface ListQuery extends CollectionQuery {
  expand: CollectionQuery | undefined;
  filter: FilterClause[];
}

/** OData's system query options, as the emulator spells them. */
const SYSTEM_OPTIONS = new Set(['$apply', '$compute', '$count', '$deltatoken', '$expand', '$filter', '$format', '$orderby', '$search', '$select', '$skip', '$skiptoken', '$top']);

/**
 * The system query options a request may carry. One the emulator does not implement is refused with 400,
 * as Graph refuses what it does not support, never ignored; a repeated option likewise.
 */
export function assertOptions(params: URLSearchParams, allowed: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    const spelled = `$${name.replace(/^\$/, '').toLowerCase()}`;
    // Graph's beta also reads `top=` without `$`, and Graph is lenient about case: rather than ignore such a spelling, say so.
    if (SYSTEM_OPTIONS.has(spelled) && spelled !== name) throw badRequest(`The emulator reads the query option '${echo(name)}' only as '${spelled}'.`);
    if (!name.startsWith('$')) continue;
    if (!allowed.has(name)) throw badRequest(`Query option '${echo(name)}' is not allowed on this request.`);
    if (seen.has(name)) throw badRequest(`Query option '${name}' was specified more than once, but it must be specified at most once.`);
    seen.add(name);
  }
}

export function parseEntityQuery(params: URLSearchParams): EntityQuery {
  return { select: parseSelect(params.get('$select'), SESSION_TYPE, EXTRA_SELECTABLE), expand: parseExpand(params.get('$expand')) };
}

export function parseListQuery(params: URLSearchParams): ListQuery {
  return {
    ...parseCollection(params, SESSION_TYPE, DEFAULT_ORDER),
    select: parseSelect(params.get('$select'), SESSION_TYPE, EXTRA_SELECTABLE),
    expand: parseExpand(params.get('$expand')),
    filter: parseFilter(params.get('$filter')),
  };
}

/** `$select` alone, on one entity of the type. */
export function parseSelectOnly(params: URLSearchParams, type: EntityType): string[] | undefined {
  return parseSelect(params.get('$select'), type);
}

/** `GET …/files`: `$top`, `$skip`, `$skiptoken`, `$count`, `$orderby`, `$select` on the files. */
export function parseFilesQuery(params: URLSearchParams): CollectionQuery {
  return { ...parseCollection(params, FILE_TYPE, []), select: parseSelect(params.get('$select'), FILE_TYPE) };
}

function parseCollection(params: URLSearchParams, type: EntityType, defaultOrder: readonly OrderKey[]): Omit<CollectionQuery, 'select'> {
  const skiptoken = params.get('$skiptoken');
  const orderby = params.get('$orderby');
  return {
    top: parseWhole(params.get('$top'), '$top', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    offset: skiptoken === null ? parseWhole(params.get('$skip'), '$skip', 0, 0, Number.MAX_SAFE_INTEGER) : readSkipToken(skiptoken),
    count: parseCount(params.get('$count')),
    order: orderby === null ? defaultOrder : parseOrderBy(orderby, type),
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
  return Object.fromEntries(Object.entries(json).filter(([name]) => name === 'id' || name.includes('@odata.') || name === 'files' || select.includes(name)));
}

/** One page of a collection as Graph answers it: `@odata.count` on `$count=true`, a nextLink while more remain. */
export function collectionPage<T>(items: readonly T[], query: CollectionQuery, requestUrl: URL): { count?: number; page: T[]; nextLink?: string } {
  const end = query.top === undefined ? items.length : Math.min(items.length, query.offset + query.top);
  return {
    ...(query.count && { count: items.length }),
    page: items.slice(query.offset, end),
    ...(end < items.length && { nextLink: nextLink(requestUrl, end) }),
  };
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

function parseSelect(text: string | null, type: EntityType, extra: readonly string[] = []): string[] | undefined {
  if (text === null) return undefined;
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !(name in type.properties) && !extra.includes(name));
  if (unknown !== undefined) throw badRequest(`Could not find a property named '${echo(unknown)}' on type '${type.name}'.`);
  return names;
}

/** The options `$expand=files(…)` may carry, separated by `;` as OData writes them. */
const NESTED_OPTIONS = new Set(['$select', '$orderby', '$top', '$skip', '$count']);

/** `$expand=files` or `files($select=…;$orderby=…;$top=…;$skip=…;$count=true)`; nothing else expands. */
function parseExpand(text: string | null): CollectionQuery | undefined {
  if (text === null) return undefined;
  const match = /^\s*files\s*(?:\((.*)\))?\s*$/s.exec(text);
  if (!match) throw badRequest(`Could not find a navigation property named '${echo(text.split(/[,(]/)[0]!.trim())}' to expand on type '${SESSION_TYPE.name}'.`);
  const params = new URLSearchParams();
  for (const option of (match[1] ?? '').split(';').filter((part) => part.trim() !== '')) {
    const [name = '', ...value] = option.split('=');
    if (!name.trim().startsWith('$')) throw badRequest(`Syntax error in $expand at '${echo(option.trim())}'.`);
    params.append(name.trim(), value.join('='));
  }
  assertOptions(params, NESTED_OPTIONS);
  return { ...parseCollection(params, FILE_TYPE, []), top: params.has('$top') ? parseWhole(params.get('$top'), '$top', 0, 0, MAX_PAGE_SIZE) : undefined, select: parseSelect(params.get('$select'), FILE_TYPE) };
}
