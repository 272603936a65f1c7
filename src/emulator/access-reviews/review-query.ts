import { badRequest } from '../server/http-error';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, assertOptions, parseCount, parseWhole, readSkipToken } from '../odata/odata-query';

export type ReviewCollection = 'definitions' | 'instances' | 'decisions';

/** A `$filter` clause, by the property the store compares (`resourceId` stands for `resource/id`). */
export interface ReviewFilterClause {
  property: 'status' | 'decision' | 'applyResult' | 'resourceId' | 'principalId';
  value: string;
}

export interface ReviewListQuery {
  filter: ReviewFilterClause[];
  top: number;
  offset: number;
  count: boolean;
  select: string[] | undefined;
  order: { property: 'startDateTime' | 'endDateTime'; descending: boolean } | undefined;
}

/**
 * What `$filter` may name in each collection (graph-api-reviews.md §1, §4): instances' `status`; decisions'
 * `decision`, `applyResult`, `resource/id` and `principal/id`, and `resourceId`, which only the how-to
 * uses (ASSUMPTION: Graph accepts it as `resource/id`). Definitions: only a query scope's `contains(…)`
 * is documented and catalog reviews cannot use it, so any `$filter` there is refused.
 */
const FILTERABLE: Record<ReviewCollection, Readonly<Record<string, ReviewFilterClause['property']>>> = {
  definitions: {},
  instances: { status: 'status' },
  decisions: { decision: 'decision', applyresult: 'applyResult', resourceid: 'resourceId', 'resource/id': 'resourceId', 'principal/id': 'principalId' },
};

const LIST_OPTIONS = new Set(['$filter', '$top', '$skip', '$skiptoken', '$count', '$select', '$orderby']);
const ENTITY_OPTIONS = new Set(['$select']);

/** The options of a list; an option the emulator does not implement is refused as Graph refuses one it does not support. */
export function parseReviewListQuery(params: URLSearchParams, collection: ReviewCollection): ReviewListQuery {
  assertOptions(params, LIST_OPTIONS);
  const skiptoken = params.get('$skiptoken');
  return {
    filter: parseReviewFilter(params.get('$filter'), collection),
    top: parseWhole(params.get('$top'), '$top', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    offset: skiptoken === null ? parseWhole(params.get('$skip'), '$skip', 0, 0, Number.MAX_SAFE_INTEGER) : readSkipToken(skiptoken),
    count: parseCount(params.get('$count')),
    select: parseSelectNames(params.get('$select')),
    order: parseInstanceOrder(params.get('$orderby'), collection),
  };
}

/** The options of a single entity's read: `$select` only. */
export function parseReviewEntityQuery(params: URLSearchParams): string[] | undefined {
  assertOptions(params, ENTITY_OPTIONS);
  return parseSelectNames(params.get('$select'));
}

/** Keeps the `$select`ed properties, `id` and annotations; a name the entity does not have is Graph's 400. */
export function selectProperties(json: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return json;
  const unknown = select.find((name) => !(name in json));
  if (unknown !== undefined) throw badRequest(`Could not find a property named '${unknown}' on type 'microsoft.graph.entity'.`);
  return Object.fromEntries(Object.entries(json).filter(([name]) => name === 'id' || name.startsWith('@odata.') || select.includes(name)));
}

/** ASSUMPTION: values compare whatever their case (`inProgress` finds `InProgress`, as Graph's enums read either). */
export function matchesReviewFilter(values: Readonly<Record<ReviewFilterClause['property'], string | undefined>>, filter: readonly ReviewFilterClause[]): boolean {
  return filter.every(({ property, value }) => (values[property] ?? '').toLowerCase() === value.toLowerCase());
}

const CLAUSE = /\s*([\w/]+)\s+eq\s+'((?:[^']|'')*)'/y;
const AND = /\s+and\s+/y;

/** `name eq '…'` clauses joined by `and`, the whole optionally in parentheses as the how-to writes it. */
function parseReviewFilter(text: string | null, collection: ReviewCollection): ReviewFilterClause[] {
  if (text === null) return [];
  const inner = /^\s*\((.*)\)\s*$/s.exec(text)?.[1] ?? text;
  const clauses: ReviewFilterClause[] = [];
  let position = 0;
  for (;;) {
    CLAUSE.lastIndex = position;
    const clause = CLAUSE.exec(inner);
    const property = clause && FILTERABLE[collection][clause[1]!.toLowerCase()];
    if (!property) throw badRequest('Invalid filter clause');
    clauses.push({ property, value: clause[2]!.replaceAll("''", "'") });
    position = CLAUSE.lastIndex;
    if (/^\s*$/.test(inner.slice(position))) return clauses;
    AND.lastIndex = position;
    if (!AND.exec(inner)) throw badRequest('Invalid filter clause');
    position = AND.lastIndex;
  }
}

function parseInstanceOrder(text: string | null, collection: ReviewCollection): ReviewListQuery['order'] {
  if (text === null) return undefined;
  const order = /^\s*(startDateTime|endDateTime)(?:\s+(asc|desc))?\s*$/.exec(text);
  if (collection !== 'instances' || !order) throw badRequest('Invalid $orderby: only startDateTime or endDateTime, asc or desc, on instances.');
  return { property: order[1] as 'startDateTime' | 'endDateTime', descending: order[2] === 'desc' };
}

function parseSelectNames(text: string | null): string[] | undefined {
  return text === null ? undefined : text.split(',').map((name) => name.trim());
}
