import { InvalidInputError } from './invalid-input';

/** ASSUMPTION: a page of at most 100 items; Graph documents no $top limit for these collections. */
export const MAX_PAGE_SIZE = 100;

/** The query parameters a Graph nextLink may carry back to us: paging's, nothing that changes what is read. */
export const PAGING_PARAMS = new Set(['$top', '$skip', '$skiptoken', '$filter', '$count', '$orderby']);

declare const pageSize: unique symbol;
/** 1 to MAX_PAGE_SIZE: made only by `parsePageSize`. */
export type PageSize = number & { readonly [pageSize]: true };

export function parsePageSize(first: number): PageSize {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new InvalidInputError({ kind: 'page-size', argument: 'first', max: MAX_PAGE_SIZE });
  }
  return first as PageSize;
}

/** What one page asks Graph for, besides where it starts. */
export interface PageQuery {
  top: number;
  /** An OData `$filter`, as Graph reads it (escaped by whoever wrote it). */
  filter?: string;
  /** `$orderby`, e.g. `createdDateTime desc`. */
  orderBy?: string;
  skip?: number;
}

/** `?$top=…&$filter=…&$count=true&$orderby=…&$skip=…`: the one spelling of a page request. */
export function pageQuery({ top, filter, orderBy, skip = 0 }: PageQuery): string {
  const query = [`$top=${top}`];
  if (filter !== undefined) query.push(`$filter=${encodeURIComponent(filter)}`);
  query.push('$count=true');
  if (orderBy !== undefined) query.push(`$orderby=${encodeURIComponent(orderBy)}`);
  if (skip > 0) query.push(`$skip=${skip}`);
  return `?${query.join('&')}`;
}
