import { read, unreadable } from '../transport/graph-answer';
import type { GraphAnswer } from '../transport/graph-request';
import { makeCursor, readCursor, type PagePosition } from './cursor';
import { collection } from './json-readers';
import { pageQuery, type PageQuery } from './paging';

/** A GET of one path through the caller's own transport use (its subject, its permission). */
export type GraphGet = (path: string) => Promise<GraphAnswer>;

/** A list Graph pages: where it lives, what every page asks for, what its cursors are bound to, how an item reads. */
export interface PagedList<T> {
  /** The collection's path, without a query. */
  path: string;
  /** What every page asks for besides its size and start. */
  query?: Omit<PageQuery, 'top' | 'skip'>;
  /** What a cursor of this list is bound to (cursor.ts, bindingOf). */
  binding: string;
  /** Graph's nextLink as a path to send, only when it pages this list (GraphPaths.pagingLinkPath). */
  checkLink(link: string): string | undefined;
  item(json: unknown): T;
}

export interface GraphPage<T> {
  items: T[];
  /** The cursor of the page that starts after `items[index]`. */
  cursorAfter(index: number): string;
  endCursor?: string;
  /** Graph has more past this page: it sent more than asked for, a nextLink, or a count beyond the page. */
  hasNextPage: boolean;
  /** Graph's `@odata.count` of the list, when Graph sent it. */
  totalCount?: number;
}

/** Where the page after `after` starts; read before any Graph call, so a cursor of another list costs none. */
export function pageStart(list: PagedList<unknown>, after: string | undefined): PagePosition {
  return after === undefined ? { skip: 0 } : readCursor(after, list.binding, list.checkLink);
}

/**
 * One page of at most `first` items from `start`, in one GET: Graph's own nextLink when the cursor carries one,
 * else `$top` and `$skip`. Each item's cursor starts the page after it; the last one carries Graph's nextLink.
 */
export async function readPage<T>(list: PagedList<T>, first: number, start: PagePosition, get: GraphGet): Promise<GraphPage<T>> {
  const answer = await get(start.nextPath ?? list.path + pageQuery({ ...list.query, top: first, skip: start.skip }));
  const { value, nextLink, count } = read(answer, collection);
  const all = read(answer, () => value.map((json) => list.item(json)));
  // ASSUMPTION: Graph honours $top; if it sends more (or a nextLink page is larger), the rest is left for the next page by position.
  const items = all.slice(0, first);
  const graphNext = items.length === all.length && nextLink !== undefined && list.checkLink(nextLink) !== undefined ? nextLink : undefined;
  const end = start.skip + items.length;
  const cursorAfter = (index: number) => makeCursor({ skip: start.skip + index + 1, nextLink: index === items.length - 1 ? graphNext : undefined }, list.binding);
  return {
    items,
    cursorAfter,
    endCursor: items.length > 0 ? cursorAfter(items.length - 1) : undefined,
    hasNextPage: items.length < all.length || nextLink !== undefined || (count !== undefined && end < count),
    totalCount: count,
  };
}

/** A list read whole, page after page: bounded, since each page is a Graph call an operation declares. */
export interface BoundedList<T> extends Pick<PagedList<T>, 'checkLink' | 'item'> {
  /** The first page's path, query included. */
  firstPage: string;
  maxPages: number;
  /** The failure when Graph has more than `maxPages` pages. */
  tooMany(): Error;
}

/** Every item, following Graph's nextLinks on the list's own path only; a link elsewhere is an unreadable answer. */
export async function readAll<T>(list: BoundedList<T>, get: GraphGet): Promise<T[]> {
  const items: T[] = [];
  let path: string | undefined = list.firstPage;
  for (let page = 0; path !== undefined; page++) {
    if (page === list.maxPages) throw list.tooMany();
    const answer = await get(path);
    const { value, nextLink } = read(answer, collection);
    items.push(...read(answer, () => value.map((json) => list.item(json))));
    path = nextLink === undefined ? undefined : list.checkLink(nextLink);
    if (nextLink !== undefined && path === undefined) throw unreadable(answer, 'the nextLink leaves the list');
  }
  return items;
}
