import { InvalidInputError } from './invalid-input';

declare const guid: unique symbol;
/**
 * A GUID in lower case: made only by `toGuid` (and `parseGuids`), so the paths built from it need no check,
 * and two Guids are equal exactly when they name the same thing (Graph compares ids without case).
 */
export type Guid = string & { readonly [guid]: true };

/** Identifies one resource of a catalog. */
export interface ResourceKey {
  readonly catalogId: Guid;
  readonly resourceId: Guid;
}

/** Identifies one upload session. */
export interface SessionKey extends ResourceKey {
  readonly uploadSessionId: Guid;
}

/** The access review a session is for. */
export interface ReviewIds {
  readonly reviewDefinitionId: Guid;
  readonly reviewInstanceId: Guid;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** The value as a Guid (lower-cased: the one place ids are), or undefined when it is not a GUID. */
export function toGuid(value: unknown): Guid | undefined {
  return isGuid(value) ? (value.toLowerCase() as Guid) : undefined;
}

/**
 * An id from Graph's answer as the key it compares under: its Guid when it is one, else as Graph wrote it
 * (then it equals no Guid). Answers keep Graph's own spelling; only keys and comparisons use this.
 */
export function idKey(id: string): string {
  return toGuid(id) ?? id;
}

/** Whether an id from Graph's answer names the same thing as `expected`. */
export function sameId(id: string | null, expected: Guid): boolean {
  return id !== null && toGuid(id) === expected;
}

/**
 * The named values as Guids, or InvalidInputError naming every one that is not, before anything is
 * sent to Graph.
 */
export function parseGuids<K extends string>(ids: Readonly<Record<K, unknown>>): Readonly<Record<K, Guid>> {
  const parsed = {} as Record<K, Guid>;
  for (const name in ids) {
    const value = toGuid(ids[name]);
    if (value === undefined) {
      const invalid = Object.keys(ids).filter((key) => !isGuid(ids[key as K]));
      throw new InvalidInputError({ kind: 'not-a-guid', arguments: invalid });
    }
    parsed[name] = value;
  }
  return parsed;
}

/** Only the key's own ids are read: an input object may carry other fields (a file, say). */
export function parseSessionKey(input: { catalogId: string; resourceId: string; uploadSessionId: string }): SessionKey {
  return parseGuids({ catalogId: input.catalogId, resourceId: input.resourceId, uploadSessionId: input.uploadSessionId });
}

export function parseResourceKey(input: { catalogId: string; resourceId: string }): ResourceKey {
  return parseGuids({ catalogId: input.catalogId, resourceId: input.resourceId });
}
