import { badRequest, echo } from '../server/http-error';

/** How a property's values compare: dates by instant (their fraction digits vary), the rest by value. */
export type PropertyKind = 'string' | 'date' | 'number' | 'boolean' | 'complex';
export type Value = string | number | boolean | null;

/** One entity type as `$orderby` and `$select` see it. */
export interface EntityType {
  /** Graph's type name, as its error messages write it. */
  name: string;
  properties: Readonly<Record<string, PropertyKind>>;
}

export interface OrderKey {
  property: string;
  descending: boolean;
}

export const SESSION_TYPE: EntityType = {
  name: 'microsoft.graph.customDataProvidedResourceUploadSession',
  properties: {
    id: 'string',
    createdDateTime: 'date',
    isUploadDone: 'boolean',
    referenceId: 'string',
    status: 'string',
    stats: 'complex',
    data: 'complex',
    files: 'complex',
  },
};

export const FILE_TYPE: EntityType = {
  name: 'microsoft.graph.customDataProvidedResourceFile',
  properties: { id: 'string', name: 'string', size: 'number', uploadedDateTime: 'date' },
};

/** `$orderby=p1 [asc|desc], p2 …` on the type's primitive properties, with the messages OData answers otherwise. */
export function parseOrderBy(text: string, type: EntityType): OrderKey[] {
  return text.split(',').map((clause) => {
    const match = /^\s*([A-Za-z]\w*)(?:\s+(asc|desc))?\s*$/.exec(clause);
    if (!match) throw badRequest(`Syntax error in $orderby at '${echo(clause.trim())}'.`);
    const [, property, direction] = match as unknown as [string, string, string | undefined];
    const kind = type.properties[property];
    if (kind === undefined) throw badRequest(`Could not find a property named '${echo(property)}' on type '${type.name}'.`);
    if (kind === 'complex') throw badRequest('The $orderby expression must evaluate to a single value of primitive type.');
    return { property, descending: direction === 'desc' };
  });
}

/** A copy of the items in the order the keys ask for; ties keep the items' own order. Nulls come first ascending, as OData orders them. */
export function sortBy<T>(items: readonly T[], keys: readonly OrderKey[], type: EntityType, read: (item: T, property: string) => Value): T[] {
  if (keys.length === 0) return [...items];
  const compare = (a: T, b: T): number => {
    for (const { property, descending } of keys) {
      const order = compareValues(read(a, property), read(b, property), type.properties[property]!);
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  };
  return [...items].sort(compare);
}

function compareValues(a: Value, b: Value, kind: PropertyKind): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (kind === 'date') return Date.parse(String(a)) - Date.parse(String(b));
  if (kind === 'string') return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return Number(a) - Number(b);
}
