import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/** What one field costs: its own share plus what its selection costs (`childCost`). */
export type FieldEstimator = (estimate: {
  type: GraphQLCompositeType;
  field: GraphQLField<unknown, unknown>;
  args: Record<string, unknown>;
  childCost: number;
}) => number;

/**
 * The cost of an operation as graphql-query-complexity defines it (fields summed, an abstract type's
 * possible types each summed and the largest taken, fields dropped by `@skip`/`@include` left out), but with
 * each named fragment counted once per request and reused wherever it is spread. The library expands every
 * spread: 40 fragments each spreading the previous twice are 2 KB of text and 2^40 fields to walk. A
 * fragment's cost does not depend on where it is spread (its type condition, not the spreading field, picks
 * its fields), so the reuse is exact; the work is linear in the document's size, which the parser bounds.
 *
 * `undefined` when the variables do not coerce: execution refuses those itself (BAD_USER_INPUT) before any
 * resolver runs. Anything else that keeps the count from finishing throws, so the caller refuses.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  estimate: FieldEstimator,
): number | undefined {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], { ...variables });
  if (coerced.errors) return undefined;
  const root = schema.getRootType(operation.operation);
  if (!root) throw new Error(`The schema has no ${operation.operation} type.`);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return new CostWalk(schema, fragments, coerced.coerced, estimate).selectionSet(operation.selectionSet, root);
}

class CostWalk {
  private readonly fragmentCosts = new Map<string, number>();
  /** Fragments being counted: a cycle (which validation refuses) counts nothing instead of looping. */
  private readonly active = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly estimate: FieldEstimator,
  ) {}

  selectionSet(selectionSet: SelectionSetNode | undefined, type: GraphQLCompositeType): number {
    if (!selectionSet) return 0;
    const perType = new Map<string, number>();
    const add = (cost: number, on: GraphQLCompositeType) => {
      const names = isAbstractType(on) ? this.schema.getPossibleTypes(on).map((possible) => possible.name) : [on.name];
      for (const name of names) perType.set(name, (perType.get(name) ?? 0) + cost);
    };
    for (const selection of selectionSet.selections) {
      if (!this.included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const cost = this.field(selection, type);
        if (cost !== undefined) add(cost, type);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : type;
        if (isCompositeType(on)) add(this.selectionSet(selection.selectionSet, on), on);
      } else {
        const fragment = this.fragments.get(selection.name.value);
        const on = fragment && this.schema.getType(fragment.typeCondition.name.value);
        if (fragment && isCompositeType(on)) add(this.fragment(fragment, on), on);
      }
    }
    return Math.max(0, ...perType.values());
  }

  private fragment(fragment: FragmentDefinitionNode, on: GraphQLCompositeType): number {
    const name = fragment.name.value;
    const known = this.fragmentCosts.get(name);
    if (known !== undefined) return known;
    if (this.active.has(name)) return 0;
    this.active.add(name);
    const cost = this.selectionSet(fragment.selectionSet, on);
    this.active.delete(name);
    this.fragmentCosts.set(name, cost);
    return cost;
  }

  private field(node: FieldNode, type: GraphQLCompositeType): number | undefined {
    const field = fieldDefinition(node.name.value, type);
    if (!field) return undefined;
    const fieldType = getNamedType(field.type);
    const childCost = isCompositeType(fieldType) ? this.selectionSet(node.selectionSet, fieldType) : 0;
    return this.estimate({ type, field, args: getArgumentValues(field, node, this.variables), childCost });
  }

  private included(selection: SelectionNode): boolean {
    if (getDirectiveValues(GraphQLSkipDirective, selection, this.variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, selection, this.variables)?.if !== false;
  }
}

function fieldDefinition(name: string, type: GraphQLCompositeType): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}
