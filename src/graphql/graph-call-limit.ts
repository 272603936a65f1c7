import {
  getNamedType,
  GraphQLError,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';

/** Field extension: how many Graph calls resolving the field may make. */
export const GRAPH_CALLS = 'graphCalls';

/**
 * Refuses, before anything runs, an operation whose fields could call Graph more than `max` times.
 * Aliases and fragments count as often as they appear, nested calls once per enclosing field, so an
 * attacker cannot fan one request out into many Graph calls on our credentials.
 */
export function graphCallLimit(max: number): ValidationRule {
  return (context) => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }

    const count = (selectionSet: SelectionSetNode, type: GraphQLNamedType, visiting: Set<string>): number => {
      let calls = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const field = isObjectType(type) ? type.getFields()[selection.name.value] : undefined;
          if (!field) continue; // unknown fields are reported by graphql-js's own rules
          calls += Number(field.extensions[GRAPH_CALLS] ?? 0);
          if (selection.selectionSet) calls += count(selection.selectionSet, getNamedType(field.type), visiting);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
          if (condition) calls += count(selection.selectionSet, condition, visiting);
        } else {
          const fragment = fragments.get(selection.name.value);
          const condition = fragment && schema.getType(fragment.typeCondition.name.value);
          // a cycle is reported by NoFragmentCyclesRule; it must not loop here
          if (!fragment || !condition || visiting.has(fragment.name.value)) continue;
          calls += count(fragment.selectionSet, condition, new Set(visiting).add(fragment.name.value));
        }
      }
      return calls;
    };

    return {
      OperationDefinition(operation) {
        const root = schema.getRootType(operation.operation);
        if (!root) return;
        const calls = count(operation.selectionSet, root, new Set());
        if (calls > max) {
          context.reportError(
            new GraphQLError(
              `This operation could call Microsoft Graph ${calls} times; the limit is ${max} (MAX_GRAPH_CALLS_PER_OPERATION).`,
              { nodes: operation },
            ),
          );
        }
      },
    };
  };
}
