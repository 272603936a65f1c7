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
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Field extension: how many Graph calls resolving the field may make. */
export const GRAPH_CALLS = 'graphCalls';

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
  return countWithVariables(schema, document, operation, variables).calls;
}

/** The count, and whether it read `variables` (only `_entities(representations: $variable)` does). */
function countWithVariables(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): { calls: number; readVariables: boolean } {
  let readVariables = false;
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
          const counted = representations(selection, variables);
          readVariables ||= counted.fromVariable;
          calls += counted.representations * (1 + nested);
        } else {
          calls += Number(field.extensions[GRAPH_CALLS] ?? 0) + nested;
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
  const calls = root ? count(operation.selectionSet, root, new Set()) : 0;
  return { calls, readVariables };
}

/**
 * Representations naming the same session share one read (the request's session loader), so they count
 * once. Only representations given in a variable can be told apart here; a literal list counts in full.
 */
function representations(field: FieldNode, variables: Readonly<Record<string, unknown>> | undefined): { representations: number; fromVariable: boolean } {
  const value = field.arguments?.find((argument) => argument.name.value === 'representations')?.value;
  if (!value) return { representations: 0, fromVariable: false };
  if (value.kind === Kind.LIST) return { representations: value.values.length, fromVariable: false };
  if (value.kind !== Kind.VARIABLE) return { representations: 1, fromVariable: false }; // a single value is coerced to a list of one
  const given = variables?.[value.name.value];
  if (given === undefined || given === null) return { representations: 0, fromVariable: true };
  return { representations: Array.isArray(given) ? new Set(given.map(representationKey)).size : 1, fromVariable: true };
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
  // Apollo hands a repeated document's cached operation node back, so the count of an operation whose
  // count reads no variable is kept on it: walking the document on every request cost ~6 µs of CPU.
  // (Held weakly: it goes when Apollo's document store lets the document go.)
  const counted = new WeakMap<OperationDefinitionNode, number>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          let calls = counted.get(operation);
          if (calls === undefined) {
            const count = countWithVariables(schema, document, operation, request.variables ?? {});
            calls = count.calls;
            if (!count.readVariables) counted.set(operation, calls);
          }
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
