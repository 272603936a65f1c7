import { createHash } from 'node:crypto';
import { InvalidInputError } from './invalid-input';

/** Where a page starts: a position in the list, and Graph's own link to it when Graph gave one. */
export interface PagePosition {
  skip: number;
  /** A path on Graph's origin (already checked), from Graph's `@odata.nextLink`. */
  nextPath?: string;
}

/** The cursor's JSON before base64url: `s` position, `n` Graph's nextLink, `b` what it is bound to. */
interface CursorJson {
  s: number;
  n?: string;
  b: string;
}

const MAX_CURSOR_LENGTH = 4096;

export function makeCursor(position: { skip: number; nextLink?: string }, binding: string): string {
  const json: CursorJson = { s: position.skip, b: binding };
  if (position.nextLink !== undefined) json.n = position.nextLink;
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

/**
 * Reads a cursor made by `makeCursor` under the same binding. `checkLink` turns Graph's nextLink into
 * a path only when it is on Graph's origin and this list's collection, so a cursor never lets its
 * bearer choose a URL. Anything else is an InvalidInputError, before any call to Graph.
 */
export function readCursor(cursor: string, binding: string, checkLink: (link: string) => string | undefined): PagePosition {
  const json = decode(cursor);
  if (!json || json.b !== binding) throw refused('made-elsewhere');
  if (json.n === undefined) return { skip: json.s };
  const nextPath = checkLink(json.n);
  if (nextPath === undefined) throw refused('outside-its-list');
  return { skip: json.s, nextPath };
}

function decode(cursor: string): CursorJson | undefined {
  const json = parseCursorJson(cursor);
  if (json === undefined) return undefined;
  const { s, n, b } = json;
  if (!Number.isSafeInteger(s) || (s as number) < 0 || typeof b !== 'string') return undefined;
  if (n !== undefined && typeof n !== 'string') return undefined;
  return { s: s as number, n: n as string | undefined, b };
}

/** A cursor's JSON object (base64url, bounded in length), or undefined for anything that is not one. */
export function parseCursorJson(cursor: string): Record<string, unknown> | undefined {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}

/**
 * What a cursor is bound to (the list, its ids and its filter), as a short hash. A cursor from another list,
 * or from the same list under another filter, would silently page through something else; it is refused
 * instead. Not a secret: the cursor only ever names a position or a Graph link that is checked again on the
 * way back in (`readCursor`).
 */
export function bindingOf(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function refused(why: 'made-elsewhere' | 'not-a-cursor' | 'outside-its-list'): InvalidInputError {
  return new InvalidInputError({ kind: 'cursor', why });
}
