import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import {
  getNamedType,
  GraphQLError,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Field extension: how many Graph calls resolving the field may make. */
export const GRAPH_CALLS = 'graphCalls';

/**
 * Field extension on a field returning a page: the argument holding the page size. What the page's items
 * select is counted once per item the page may hold (the argument's value, or its default).
 */
export const GRAPH_CALLS_PER_ITEM = 'graphCallsPerItem';

/** `_entities(representations: …)`: the federation field that reads one session per representation. */
const ENTITIES = '_entities';

/**
 * How many times the operation could call Graph. Aliases and fragments count as often as they appear,
 * nested calls once per enclosing field, `_entities` once per representation (plus what each selects).
 * Representations passed in a variable are counted from `variables`.
 */
export function countGraphCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables?: Readonly<Record<string, unknown>>,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const count = (selectionSet: SelectionSetNode, type: GraphQLNamedType, visiting: Set<string>): number => {
    let calls = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = isObjectType(type) ? type.getFields()[selection.name.value] : undefined;
        if (!field) continue; // unknown fields are reported by graphql-js's own rules
        const nested = selection.selectionSet ? count(selection.selectionSet, getNamedType(field.type), visiting) : 0;
        if (field.name === ENTITIES && type === schema.getQueryType()) {
          calls += representations(selection, variables) * (1 + nested);
        } else {
          const perItem = field.extensions[GRAPH_CALLS_PER_ITEM];
          const items = typeof perItem === 'string' ? pageSize(field, selection, perItem, variables) : 1;
          calls += Number(field.extensions[GRAPH_CALLS] ?? 0) + items * nested;
        }
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

  const root = schema.getRootType(operation.operation);
  return root ? count(operation.selectionSet, root, new Set()) : 0;
}

/**
 * Representations naming the same session share one read (the request's session loader), so they count
 * once. Only representations given in a variable can be told apart here; a literal list counts in full.
 */
function representations(field: FieldNode, variables: Readonly<Record<string, unknown>> | undefined): number {
  const value = field.arguments?.find((argument) => argument.name.value === 'representations')?.value;
  if (!value) return 0;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind !== Kind.VARIABLE) return 1; // a single value is coerced to a list of one
  const given = variables?.[value.name.value];
  if (given === undefined || given === null) return 0;
  return Array.isArray(given) ? new Set(given.map(representationKey)).size : 1;
}

/** The page size a field is asked for: a literal, a variable's value, or the argument's default. */
function pageSize(field: GraphQLField<unknown, unknown>, selection: FieldNode, argument: string, variables: Readonly<Record<string, unknown>> | undefined): number {
  const value = selection.arguments?.find((given) => given.name.value === argument)?.value;
  const given = value?.kind === Kind.INT ? Number(value.value) : value?.kind === Kind.VARIABLE ? variables?.[value.name.value] : undefined;
  const fallback = field.args.find((arg) => arg.name === argument)?.defaultValue;
  const size = typeof given === 'number' ? given : typeof fallback === 'number' ? fallback : 1;
  return Math.max(1, size);
}

function representationKey(representation: unknown): string {
  if (typeof representation !== 'object' || representation === null) return JSON.stringify(representation);
  const { __typename, catalogId, resourceId, id } = representation as Record<string, unknown>;
  return JSON.stringify([__typename, catalogId, resourceId, id]).toLowerCase();
}

function limitMessage(calls: number, max: number): string {
  return `This operation could call Microsoft Graph ${calls} times; the limit is ${max} (MAX_GRAPH_CALLS_PER_OPERATION).`;
}

/**
 * Refuses, before anything runs, an operation whose fields could call Graph more than `max` times, so an
 * attacker cannot fan one request out into many Graph calls on our credentials. It runs once the variables
 * are known (a router's `_entities(representations: $representations)` is sized by them), and answers with
 * the validation code, as a rule would.
 */
export function graphCallLimit<TContext extends BaseContext>(max: number): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const calls = countGraphCalls(schema, document, operation, request.variables ?? {});
          if (calls > max) {
            throw new GraphQLError(limitMessage(calls, max), {
              extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
