import 'reflect-metadata';
import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { getOperationAST, GraphQLError, parse, visit } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { countGraphCalls, GRAPH_CALLS, GRAPH_CALLS_PER_ITEM, graphCallLimit } from '../../src/graphql/cost/graph-call-limit';
import { operationCost, type FieldEstimator } from '../../src/graphql/cost/operation-cost';
import { buildGatewaySchema } from '../../src/graphql/schema/schema';
import { buildSubgraph } from '../../src/graphql/schema/subgraph-schema';

const schema = buildGatewaySchema();
const ids = 'catalogId: "a", resourceId: "b", uploadSessionId: "c"';

/** 40 fragments, each spreading the one before twice: 2 KB of text, 2^(depth+1) copies of `bottom`. */
function doubling(bottom: string, depth = 39): string {
  let text = `query { ...F${depth} }\nfragment F0 on Query { ${bottom} }\n`;
  for (let k = 1; k <= depth; k++) text += `fragment F${k} on Query { ...F${k - 1} ...F${k - 1} a${k}: __typename }\n`;
  return text;
}

/** The same doubling written with inline fragments: the text doubles too, so the parser's bound holds it. */
function inlineDoubling(bottom: string, depth: number): string {
  let selection = bottom;
  for (let k = 0; k < depth; k++) selection = `... on Query { ${selection} } ... on Query { ${selection} }`;
  return `query { ${selection} }`;
}

/** The cost, and how many times the estimator ran: the work done. */
function costAndWork(query: string): { cost: number | undefined; work: number; fields: number } {
  const document = parse(query);
  let work = 0;
  const estimate: FieldEstimator = ({ field, childCost }) => {
    work += 1;
    return (field.name === 'uploadSession' ? 1 : 0) + childCost;
  };
  let fields = 0;
  visit(document, { Field: () => void (fields += 1) });
  return { cost: operationCost(schema, document, getOperationAST(document)!, {}, estimate), work, fields };
}

describe('operationCost', () => {
  it('counts each fragment once, however often it is spread: the work is the fields as written', () => {
    const { cost, work, fields } = costAndWork(doubling(`uploadSession(${ids}) { id }`));
    expect(cost).toBe(2 ** 39);
    expect(work).toBe(fields);
  });

  it('counts what graphql-query-complexity counts with every spread expanded (the library as the oracle)', () => {
    const subgraph = buildSubgraph();
    const representations = [{ __typename: 'CustomDataProvidedResourceUploadSession', catalogId: 'a', resourceId: 'b', id: 'c' }];
    const cases: [string, Record<string, unknown>][] = [
      [doubling(`uploadSession(${ids}) { id files { name } }`, 3), {}],
      [inlineDoubling(`uploadSession(${ids}) { id }`, 3), {}],
      [`query ($s: Boolean!) { a: uploadSessions(catalogId: "a", resourceId: "b", first: 3) { edges { node { ...S } } } b: uploadSession(${ids}) @skip(if: $s) { ...S } } fragment S on CustomDataProvidedResourceUploadSession { files { name } }`, { s: false }],
      [`query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on CustomDataProvidedResourceUploadSession { files { name } } } }`, { r: representations }],
    ];
    for (const [query, variables] of cases) {
      const document = parse(query);
      const operation = getOperationAST(document)!;
      const expected = getComplexity({ schema: subgraph, query: document, variables, estimators: [libraryEstimator], maxQueryNodes: Infinity });
      expect(countGraphCalls(subgraph, document, operation, variables)).toBe(expected);
    }
  });
});

describe('the Graph-call limit when the count cannot finish', () => {
  /** Runs the plugin's hook as Apollo does, on a document validation has not seen. */
  async function refusal(query: string, variables: Record<string, unknown> = {}): Promise<unknown> {
    const listener = await graphCallLimit(10).requestDidStart!({} as never);
    const document = parse(query);
    const context = { schema, document, operation: getOperationAST(document)!, request: { variables } };
    return listener!.didResolveOperation!(context as unknown as GraphQLRequestContextDidResolveOperation<object>).then(() => undefined, (error: unknown) => error);
  }

  it('refuses the operation with the validation code instead of running it uncounted', async () => {
    const error = await refusal(`{ a: uploadSessions(catalogId: "a", resourceId: "b", first: "many") { totalCount } }`);
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } });
    expect((error as GraphQLError).message).toMatch(/could not be counted.*refused/);
  });

  it('refuses the 2 KB doubling with the Graph-calling field at the bottom, saying the count', async () => {
    const error = (await refusal(doubling(`uploadSession(${ids}) { id }`))) as GraphQLError;
    expect(error.message).toBe('This operation could call Microsoft Graph 549755813888 times; the limit is 10 (MAX_GRAPH_CALLS_PER_OPERATION).');
  });

  it('refuses a count too large to say', async () => {
    const error = (await refusal(doubling('uploadSessions(catalogId: "a", resourceId: "b", first: 2000000000) { edges { node { files { name } } } }'))) as GraphQLError;
    expect(error.message).toBe('This operation could call Microsoft Graph more times than can be counted; the limit is 10 (MAX_GRAPH_CALLS_PER_OPERATION).');
  });
});

/** The estimators graph-call-limit.ts used with graphql-query-complexity before it counted fragments once. */
const libraryEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (field.name === '_entities' && type.name === 'Query') return (args.representations as unknown[]).length * (1 + childComplexity);
  const own = Number(field.extensions[GRAPH_CALLS] ?? 0);
  const perItem = field.extensions[GRAPH_CALLS_PER_ITEM];
  if (typeof perItem !== 'string') return own + childComplexity;
  const items = args[perItem] ?? field.args.find((argument) => argument.name === perItem)?.defaultValue ?? 1;
  return own + Math.max(1, Number(items)) * childComplexity;
};
