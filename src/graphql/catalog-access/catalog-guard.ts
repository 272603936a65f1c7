import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { WithCatalogVerdicts } from './catalog-access.plugin';
import { catalogIdOfReference, catalogIdsOf } from './catalog-fields';
import { toGuid } from '../../graph/odata/ids';

type ReferenceResolver = (reference: unknown, context: unknown, info: unknown) => unknown;

/** A catalog the plugin did not check: a bug, refused (masked as an internal error), never let through. */
class UncheckedCatalogError extends Error {
  constructor(catalogId: string) {
    super(`catalog ${catalogId} was not checked before its field ran`);
    this.name = 'UncheckedCatalogError';
  }
}

/**
 * Makes each root field, and each federated entity, answer its catalog's verdict (catalog-access.plugin.ts)
 * before its resolver runs: a refused catalog's field fails at its own path (null and FORBIDDEN, HTTP 200),
 * and no resolver of it calls Graph. One wrapper per root field, applied to the schema once at start-up
 * and only with CATALOG_AUTHORIZATION=graph, so no resolver carries the check itself. `_entities` is left
 * to its entities: each representation is checked on its own, so one refused catalog fails only its items.
 */
export function guardCatalogFields(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (field.name === '_entities') continue;
      const resolve: GraphQLFieldResolver<unknown, WithCatalogVerdicts> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args: Record<string, unknown>, context: WithCatalogVerdicts, info) => {
        assertAllowed(context, catalogIdsOf(args));
        return resolve(source, args, context, info);
      };
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    const subgraph = isObjectType(type) ? (type.extensions as { apollo?: { subgraph?: { resolveReference?: ReferenceResolver } } }).apollo?.subgraph : undefined;
    const resolveReference = subgraph?.resolveReference;
    if (!subgraph || !resolveReference) continue;
    // A rejected promise, never a synchronous throw: @apollo/subgraph fails only that item then.
    subgraph.resolveReference = async (reference, context, info) => {
      const catalogId = catalogIdOfReference(reference);
      const guid = toGuid(catalogId);
      if (guid) assertAllowed(context as WithCatalogVerdicts, [guid]);
      return resolveReference(reference, context, info);
    };
  }
  return schema;
}

function assertAllowed({ catalogVerdicts }: WithCatalogVerdicts, catalogIds: readonly string[]): void {
  for (const catalogId of catalogIds) {
    const verdict = catalogVerdicts?.get(catalogId);
    if (verdict === null) continue;
    throw verdict ?? new UncheckedCatalogError(catalogId);
  }
}
