import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, Kind, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

/** Field extension: how many Graph calls resolving the field may make. */
export const GRAPH_CALLS = 'graphCalls';

/**
 * Field extension on a field returning a page: the argument holding the page size. What the page's items
 * select is counted once per item the page may hold (the argument's value, or its default).
 */
export const GRAPH_CALLS_PER_ITEM = 'graphCallsPerItem';

/**
 * How many times the operation could call Graph, counted by graphql-query-complexity: aliases and
 * fragments as often as they appear, nested calls once per enclosing field, fields under `@skip(if: true)`
 * or `@include(if: false)` not at all. `undefined` when the variables do not coerce: Apollo refuses those
 * itself, with BAD_USER_INPUT, before anything runs.
 */
export function countGraphCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables?: Readonly<Record<string, unknown>>,
): number | undefined {
  return count(schema, document, operation, variables).calls;
}

/** The count, and whether another request's variables could change it. */
function count(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): { calls: number | undefined; readsVariables: boolean } {
  const declaresVariables = (operation.variableDefinitions?.length ?? 0) > 0;
  let readsVariables = declaresVariables && hasVariableCondition(document);
  /**
   * `_entities(representations: …)`, the federation field, reads one session per representation, plus what
   * each selects. Representations naming the same session share one read (the request's session loader),
   * so they count once; `args` are coerced, so this holds for a variable and a literal list alike.
   */
  const entities: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
    if (field.name !== '_entities' || type.name !== 'Query') return undefined;
    readsVariables ||= declaresVariables;
    const representations = args.representations as unknown[];
    return new Set(representations.map(representationKey)).size * (1 + childComplexity);
  };
  /** Every other field: what its resolver declares, plus what is selected below it (once per item of a page). */
  const declared: ComplexityEstimator = ({ field, args, childComplexity }) => {
    const perItem = field.extensions[GRAPH_CALLS_PER_ITEM];
    if (typeof perItem !== 'string') return Number(field.extensions[GRAPH_CALLS] ?? 0) + childComplexity;
    readsVariables ||= declaresVariables;
    // An explicit null page size means the argument's default, as the resolver reads it.
    const items = args[perItem] ?? field.args.find((argument) => argument.name === perItem)?.defaultValue ?? 1;
    return Number(field.extensions[GRAPH_CALLS] ?? 0) + Math.max(1, Number(items)) * childComplexity;
  };
  try {
    // ASSUMPTION: no cap on the nodes counted (the library's default 10,000 would throw an error of its own);
    // graphql-js has validated the document and its fragments before this runs.
    const calls = getComplexity({ schema, query: document, operationName: operation.name?.value, variables: { ...variables }, estimators: [entities, declared], maxQueryNodes: Infinity });
    return { calls, readsVariables };
  } catch {
    return { calls: undefined, readsVariables: true };
  }
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
        const counting = count(schema, document, operation, request.variables ?? {});
        calls = counting.calls;
        if (calls !== undefined && !counting.readsVariables) counted.set(operation, calls);
      }
      if (calls !== undefined && calls > max) {
        throw new GraphQLError(limitMessage(calls, max), {
          extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, http: { status: 400 } },
        });
      }
    },
  };
  // The listener keeps nothing of a request: one serves them all.
  return { requestDidStart: async () => listener };
}
