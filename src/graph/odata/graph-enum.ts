import { InvalidInputError } from './invalid-input';

/**
 * Graph's string enumerations, read and written through one table per schema enum. Graph spells a value
 * `InProgress` in one place and `inProgress` in another (a String property vs an enumeration member), so
 * reading compares case-insensitively; a value the gateway does not know becomes UNKNOWN_FUTURE_VALUE,
 * never an error, because Graph adds values (its `unknownFutureValue` convention).
 */
export interface GraphEnum<E extends string> {
  /** Graph's string → the schema value; anything else (or nothing) → UNKNOWN_FUTURE_VALUE. */
  read(value: unknown): E;
  /** The schema value as Graph's String properties and `$filter` spell it: `IN_PROGRESS` → `InProgress`. */
  pascal(value: E): string;
  /** The schema value as Graph's enumeration members spell it: `IN_PROGRESS` → `inProgress`. */
  camel(value: E): string;
}

/** A value the caller sends to Graph: UNKNOWN_FUTURE_VALUE names nothing Graph takes, so it is refused before any call. */
export function parseKnown<E extends string>(value: E, name: string): E {
  if (value !== 'UNKNOWN_FUTURE_VALUE') return value;
  throw new InvalidInputError({ kind: 'unknown-value', argument: name });
}

export function graphEnum<E extends string>(values: Record<string, E>, unknown: E): GraphEnum<E> {
  const byGraphName = new Map<string, E>();
  for (const value of Object.values(values)) if (value !== unknown) byGraphName.set(value.replaceAll('_', '').toLowerCase(), value);
  const pascal = (value: E) => value.toLowerCase().replace(/(?:^|_)([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  return {
    read: (value) => (typeof value === 'string' && byGraphName.get(value.toLowerCase())) || unknown,
    pascal,
    camel: (value) => {
      const name = pascal(value);
      return name[0]!.toLowerCase() + name.slice(1);
    },
  };
}
