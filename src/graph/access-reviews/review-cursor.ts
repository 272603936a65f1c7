import { parseCursorJson, refused } from '../odata/cursor';

/**
 * Where a page of the catalog's instances starts: how many instances of each definition earlier pages
 * served. The list is a newest-first merge of every catalog definition's instances, so one number cannot
 * say where each definition's own list goes on.
 */
export type InstancePosition = ReadonlyMap<string, number>;

/** The cursor's JSON before base64url: `o` offsets by lower-cased definition id, `b` what it is bound to. */
interface CursorJson {
  o: Record<string, number>;
  b: string;
}

export function makeInstanceCursor(position: InstancePosition, binding: string): string {
  const json: CursorJson = { o: Object.fromEntries([...position].filter(([, offset]) => offset > 0)), b: binding };
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

/** A cursor made by `makeInstanceCursor` under the same binding; anything else is BAD_USER_INPUT before any Graph call. */
export function readInstanceCursor(cursor: string, binding: string): InstancePosition {
  const json = parseCursorJson(cursor);
  const offsets = json?.o;
  if (!json || json.b !== binding || typeof offsets !== 'object' || offsets === null || Array.isArray(offsets)) {
    throw refused('made-elsewhere');
  }
  const entries = Object.entries(offsets as Record<string, unknown>);
  if (!entries.every(([id, offset]) => /^[0-9a-f-]{36}$/.test(id) && Number.isSafeInteger(offset) && (offset as number) > 0)) {
    throw refused('not-a-cursor');
  }
  return new Map(entries as [string, number][]);
}
