import { getArgumentValues, getVariableValues, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import type { CatalogRole } from '../../auth/catalog-authorization';
import { isGuid } from '../../graph/odata/ids';

/**
 * The catalogs a root field acts on, from its coerced arguments: `catalogId`, `input.catalogId`, or each
 * representation's `catalogId` (federation's `_entities`). Lower-cased GUIDs only: a malformed id is the
 * resolver's to refuse (BAD_USER_INPUT), and it never reaches Graph.
 */
export function catalogIdsOf(args: Readonly<Record<string, unknown>>): string[] {
  const representations = Array.isArray(args.representations) ? args.representations : [];
  const candidates = [args.catalogId, (args.input as { catalogId?: unknown } | null | undefined)?.catalogId, ...representations.map(catalogIdOfReference)];
  return candidates.filter(isGuid).map((id) => id.toLowerCase());
}

export function catalogIdOfReference(reference: unknown): unknown {
  return typeof reference === 'object' && reference !== null ? (reference as { catalogId?: unknown }).catalogId : undefined;
}

/**
 * Every catalog the operation's root fields name (aliases, fragments and `@skip`/`@include` as execution
 * sees them), each with the role it needs: Catalog owner in a mutation, owner or reader in a query or a subscription.
 * Empty when the variables do not coerce: Apollo refuses the operation itself before anything runs.
 */
export function catalogsOfOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): Map<string, CatalogRole> {
  const catalogs = new Map<string, CatalogRole>();
  const rootType = schema.getRootType(operation.operation);
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (!rootType || coerced.errors) return catalogs;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const needed: CatalogRole = operation.operation === 'mutation' ? 'owner' : 'reader';
  const fields = rootType.getFields();
  for (const [, nodes] of collectFields(schema, fragments, coerced.coerced, rootType, operation.selectionSet)) {
    const node = nodes[0]!;
    const field = fields[node.name.value];
    if (!field) continue;
    for (const catalogId of catalogIdsOf(getArgumentValues(field, node, coerced.coerced))) catalogs.set(catalogId, needed);
  }
  return catalogs;
}
