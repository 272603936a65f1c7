import { ApolloServerErrorCode } from '@apollo/server/errors';
import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { countGraphCalls } from '../cost/graph-call-limit';
import { DOCUMENT_BOUNDS } from '../cost/document-bounds';
import type { RefusalCode } from '../edge/error-code';
import { toGraphQLError } from '../edge/to-graphql-error';
import { NOT_IN_LIST, operationParams, type TrustedDocuments } from '../edge/trusted-documents';
import { watchedTopic, type SubscriptionContext } from './subscription-context';

export interface SubscriptionChecks {
  schema: GraphQLSchema;
  trustedDocuments: TrustedDocuments;
  /** createDocumentBounds(): the reason a document's text is out of bounds, or undefined. */
  documentBounds: (query: string) => string | undefined;
  maxGraphCalls: number;
  /** Production without introspection: messages carry no "Did you mean" hints. */
  hideSchemaHints: boolean;
}

export interface CheckedSubscription {
  document: DocumentNode;
  operationName: string | undefined;
  variableValues: Record<string, unknown> | undefined;
}

/** A subscription refused before it runs, sent as the protocol's `error` message and recorded like an HTTP refusal. */
export class SubscriptionRefusal {
  constructor(
    readonly code: RefusalCode | string,
    readonly status: number,
    readonly errors: readonly GraphQLError[],
  ) {}
}

/**
 * The checks an operation meets on HTTP, in the same order, for a `subscribe` message: trusted documents, the
 * document's bounds, parsing and validation, the Graph-call limit, and then the subscription's own — a
 * resource that WATCH names. Queries and mutations stay on HTTP, where Apollo's pipeline runs them.
 */
export function checkSubscription(checks: SubscriptionChecks, payload: Record<string, unknown>, context: SubscriptionContext): CheckedSubscription | SubscriptionRefusal {
  const params = { body: payload, search: '' };
  const verdict = checks.trustedDocuments(params, operationParams(params));
  if (!verdict.trusted) return refusal(NOT_IN_LIST, 400, verdict.message, checks);
  const { query, operationName, variables } = verdict.request.body as { query?: unknown; operationName?: unknown; variables?: unknown };
  if (typeof query !== 'string') return refusal(ApolloServerErrorCode.BAD_REQUEST, 400, 'A subscribe message needs a query.', checks);
  const outOfBounds = checks.documentBounds(query);
  if (outOfBounds !== undefined) return refusal(ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, 400, outOfBounds, checks);
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: DOCUMENT_BOUNDS.maxTokens });
  } catch (error) {
    return refusal(ApolloServerErrorCode.GRAPHQL_PARSE_FAILED, 400, (error as Error).message, checks);
  }
  const invalid = validate(checks.schema, document);
  if (invalid.length > 0) return refusal(ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, 400, invalid.map((error) => error.message), checks);
  const name = typeof operationName === 'string' ? operationName : undefined;
  const operation = getOperationAST(document, name);
  if (!operation) return refusal(ApolloServerErrorCode.BAD_REQUEST, 400, 'The document names no operation to run.', checks);
  if (operation.operation !== 'subscription') {
    return refusal(ApolloServerErrorCode.BAD_REQUEST, 400, 'Only subscriptions are served over WebSocket; send queries and mutations with POST /graphql.', checks);
  }
  const coerced = getVariableValues(checks.schema, operation.variableDefinitions ?? [], (variables ?? {}) as Record<string, unknown>);
  if (coerced.errors) return refusal(ApolloServerErrorCode.BAD_USER_INPUT, 400, coerced.errors.map((error) => error.message), checks);
  const overLimit = graphCallRefusal(checks, document, operation, coerced.coerced);
  if (overLimit) return overLimit;
  try {
    const root = rootField(document, operation);
    const field = root && checks.schema.getSubscriptionType()?.getFields()[root.name.value];
    if (root && field?.name === 'accessReviewEvents') watchedTopic(context, getArgumentValues(field, root, coerced.coerced) as { catalogId: string; resourceId: string });
  } catch (error) {
    const mapped = toGraphQLError(error);
    return new SubscriptionRefusal(String(mapped.extensions.code), 400, [mapped]);
  }
  return { document, operationName: name, variableValues: (variables ?? undefined) as Record<string, unknown> | undefined };
}

function graphCallRefusal(checks: SubscriptionChecks, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): SubscriptionRefusal | undefined {
  let calls: number | undefined;
  try {
    calls = countGraphCalls(checks.schema, document, operation, variables);
  } catch {
    return refusal(ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, 400, 'The Microsoft Graph calls of this operation could not be counted (MAX_GRAPH_CALLS_PER_OPERATION), so it is refused.', checks);
  }
  if (calls === undefined || calls <= checks.maxGraphCalls) return undefined;
  return refusal(ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, 400, `This operation could call Microsoft Graph ${calls} times; the limit is ${checks.maxGraphCalls} (MAX_GRAPH_CALLS_PER_OPERATION).`, checks);
}

/** The subscription's one root field (validation saw to there being one), through fragments. */
function rootField(document: DocumentNode, operation: OperationDefinitionNode): FieldNode | undefined {
  const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));
  const find = (selectionSet: SelectionSetNode): FieldNode | undefined => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) return selection;
      const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
      const found = inner && find(inner);
      if (found) return found;
    }
    return undefined;
  };
  return find(operation.selectionSet);
}

function refusal(code: RefusalCode, status: number, messages: string | string[], checks: SubscriptionChecks): SubscriptionRefusal {
  const list = typeof messages === 'string' ? [messages] : messages;
  const errors = list.map((message) => new GraphQLError(checks.hideSchemaHints ? withoutHints(message) : message, { extensions: { code } }));
  return new SubscriptionRefusal(code, status, errors);
}

/** graphql-js's suggestions spell the schema out; where introspection is off, they go (as on HTTP). */
function withoutHints(message: string): string {
  return message.replace(/ ?Did you mean .+?\?$/, '');
}
