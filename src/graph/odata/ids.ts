import { InvalidInputError } from './invalid-input';

declare const guid: unique symbol;
/** A string known to be a GUID: made only by `parseGuids`, so the paths built from it need no check. */
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

export function isGuid(value: unknown): value is Guid {
  return typeof value === 'string' && GUID.test(value);
}

/**
 * The named values as GUIDs, or InvalidInputError naming every one that is not, before anything is
 * sent to Graph. The record comes back as it is (no copy) when every value is valid.
 */
export function parseGuids<K extends string>(ids: Readonly<Record<K, unknown>>): Readonly<Record<K, Guid>> {
  for (const name in ids) {
    if (!isGuid(ids[name])) {
      const invalid = Object.keys(ids).filter((key) => !isGuid(ids[key as K]));
      throw new InvalidInputError({ kind: 'not-a-guid', arguments: invalid });
    }
  }
  return ids as Readonly<Record<K, Guid>>;
}

/** Only the key's own ids are read: an input object may carry other fields (a file, say). */
export function parseSessionKey(input: { catalogId: string; resourceId: string; uploadSessionId: string }): SessionKey {
  return parseGuids({ catalogId: input.catalogId, resourceId: input.resourceId, uploadSessionId: input.uploadSessionId });
}

export function parseResourceKey(input: { catalogId: string; resourceId: string }): ResourceKey {
  return parseGuids({ catalogId: input.catalogId, resourceId: input.resourceId });
}
