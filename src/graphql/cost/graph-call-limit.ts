import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, Kind, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { idKey } from '../../graph/odata/ids';
import { GRAPH_CALL_BUDGETS } from './graph-call-budgets';
import { operationCost, type FieldEstimator } from './operation-cost';

/** Field extension: how many Graph calls resolving the field may make (its row of GRAPH_CALL_BUDGETS). */
export const GRAPH_CALLS = 'graphCalls';

/**
 * Field extension on a field returning a page: the argument holding the page size. What the page's items
 * select is counted once per item the page may hold (the argument's value, or its default).
 */
export const GRAPH_CALLS_PER_ITEM = 'graphCallsPerItem';

/**
 * How many times the operation could call Graph: aliases and fragments as often as they appear, nested calls
 * once per enclosing field, fields under `@skip(if: true)` or `@include(if: false)` not at all. `undefined`
 * when the variables do not coerce: Apollo refuses those itself, with BAD_USER_INPUT, before anything runs.
 * Throws when the count cannot finish: the operation is then refused, never run uncounted.
 */
export function countGraphCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables?: Readonly<Record<string, unknown>>,
): number | undefined {
  return count(schema, document, operation, variables ?? {}).calls;
}

/** The count, and whether another request's variables could change it. */
function count(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): { calls: number | undefined; readsVariables: boolean } {
  const declaresVariables = (operation.variableDefinitions?.length ?? 0) > 0;
  let readsVariables = declaresVariables && hasVariableCondition(document);
  const estimate: FieldEstimator = ({ type, field, args, childCost }) => {
    /**
     * `_entities(representations: …)`, the federation field, reads one session per representation, plus what
     * each selects. Representations naming the same session share one read (the request's session loader),
     * so they count once; `args` are coerced, so this holds for a variable and a literal list alike.
     */
    if (field.name === '_entities' && type.name === 'Query') {
      readsVariables ||= declaresVariables;
      const representations = args.representations as unknown[];
      return new Set(representations.map(representationKey)).size * (GRAPH_CALL_BUDGETS['Query._entities'] + childCost);
    }
    // Every other field: what its resolver declares, plus what is selected below it (once per item of a page).
    const own = Number(field.extensions[GRAPH_CALLS] ?? 0);
    const perItem = field.extensions[GRAPH_CALLS_PER_ITEM];
    if (typeof perItem !== 'string') return own + childCost;
    readsVariables ||= declaresVariables;
    // An explicit null page size means the argument's default, as the resolver reads it.
    const items = args[perItem] ?? field.args.find((argument) => argument.name === perItem)?.defaultValue ?? 1;
    return own + Math.max(1, Number(items)) * childCost;
  };
  const calls = operationCost(schema, document, operation, variables, estimate);
  return { calls, readsVariables: calls === undefined || readsVariables };
}

/** Whether a `@skip` or `@include` condition is a variable: the count then depends on the request. */
function hasVariableCondition(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(directive) {
      if (directive.arguments?.some((argument) => argument.value.kind === Kind.VARIABLE)) found = true;
    },
  });
  return found;
}

function representationKey(representation: unknown): string {
  if (typeof representation !== 'object' || representation === null) return JSON.stringify(representation);
  const { __typename, catalogId, resourceId, id } = representation as Record<string, unknown>;
  // The ids as the session loader keys them (GUIDs in lower case): one read, one count.
  return JSON.stringify([__typename, ...[catalogId, resourceId, id].map((value) => (typeof value === 'string' ? idKey(value) : value))]);
}

function limitMessage(calls: number, max: number): string {
  const times = Number.isSafeInteger(calls) ? `${calls} times` : 'more times than can be counted';
  return `This operation could call Microsoft Graph ${times}; the limit is ${max} (MAX_GRAPH_CALLS_PER_OPERATION).`;
}

/** A count that cannot finish refuses the operation: running it uncounted would lift the limit. */
function countOrRefuse(...args: Parameters<typeof count>): ReturnType<typeof count> {
  try {
    return count(...args);
  } catch {
    throw validationFailed('The Microsoft Graph calls of this operation could not be counted (MAX_GRAPH_CALLS_PER_OPERATION), so it is refused.');
  }
}

function validationFailed(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, http: { status: 400 } } });
}

/**
 * Refuses, before anything runs, an operation whose fields could call Graph more than `max` times, so an
 * attacker cannot fan one request out into many Graph calls on our credentials. It runs once the variables
 * are known (a router's `_entities(representations: $representations)` is sized by them), and answers with
 * the validation code, as a rule would.
 */
export function graphCallLimit<TContext extends BaseContext>(max: number): ApolloServerPlugin<TContext> {
  // Apollo hands a repeated document's cached operation node back, so the count of an operation that no
  // variable can change is kept on it: counting it on every request costs more than the plugin's own work
  // (BENCHMARKS.md, "Measured choices in the code"). (Held weakly: it goes when
  // Apollo's document store lets the document go.)
  const counted = new WeakMap<OperationDefinitionNode, number>();
  const listener: GraphQLRequestListener<TContext> = {
    async didResolveOperation({ schema, document, operation, request }) {
      if (!operation) return;
      let calls = counted.get(operation);
      if (calls === undefined) {
        const counting = countOrRefuse(schema, document, operation, request.variables ?? {});
        calls = counting.calls;
        if (calls !== undefined && !counting.readsVariables) counted.set(operation, calls);
      }
      // `!(calls <= max)`: a count that overflowed to Infinity (or NaN) is refused, not let through.
      if (calls !== undefined && !(calls <= max)) throw validationFailed(limitMessage(calls, max));
    },
  };
  // The listener keeps nothing of a request: one serves them all.
  return { requestDidStart: async () => listener };
}
