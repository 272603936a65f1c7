import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getOperationAST, parse } from 'graphql';
import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { countGraphCalls, graphCallLimit } from '../../src/graphql/cost/graph-call-limit';
import { buildGatewaySchema } from '../../src/graphql/schema/schema';
import { buildSubgraph } from '../../src/graphql/schema/subgraph-schema';

const schema = buildGatewaySchema();
const resource = 'catalogId: "a", resourceId: "b"';
const ids = 'catalogId: "a", resourceId: "b", uploadSessionId: "c"';

/** Runs the plugin's hook as Apollo does; resolves to the refusal's message, or nothing. */
async function refusal(plugin: ReturnType<typeof graphCallLimit>, query: ReturnType<typeof parse>, variables: Record<string, unknown>, on = schema): Promise<string | undefined> {
  const listener = await plugin.requestDidStart!({} as never);
  const context = { schema: on, document: query, operation: getOperationAST(query)!, request: { variables } };
  return listener!.didResolveOperation!(context as unknown as GraphQLRequestContextDidResolveOperation<object>).then(
    () => undefined,
    (error: Error) => error.message,
  );
}

/** What the limit says of `query` at `max`: the refusal's message, or nothing. */
async function errors(query: string, max: number, variables: Record<string, unknown> = {}): Promise<string[]> {
  const message = await refusal(graphCallLimit(max), parse(query), variables);
  return message === undefined ? [] : [message];
}

describe('graphCallLimit', () => {
  it('lets the typed client’s page of 20 access reviews (with each one’s session) through the default limit of 10, and counts the review operations', () => {
    const accessReviews = readFileSync(join(__dirname, '../../src/client/operations/access-reviews.graphql'), 'utf8');
    const fragments = ['upload-session-summary', 'page-info-fields'].map((name) => readFileSync(join(__dirname, `../../src/client/operations/${name}.graphql`), 'utf8'));
    const document = parse([accessReviews, ...fragments].join('\n'));
    expect(countGraphCalls(schema, document, getOperationAST(document, 'AccessReviews')!, { catalogId: 'a', resourceId: 'b', first: 20 })).toBe(9);
    const review = `catalogId: "a", resourceId: "b", reviewDefinitionId: "c", reviewInstanceId: "d"`;
    const count = (query: string) => countGraphCalls(schema, parse(query), getOperationAST(parse(query))!);
    expect(count(`{ accessReviewDecisions(input: {${review}}) { edges { node { id } } } }`)).toBe(3);
    expect(count(`mutation { applyAccessReviewDecisions(input: {${review}, applyResult: APPLIED_SUCCESSFULLY}) { accepted } }`)).toBe(6);
    expect(count(`mutation { recordAccessReviewDecisionApplied(input: {${review}, decisionId: "e", applyResult: APPLIED_SUCCESSFULLY}) { id } }`)).toBe(6);
  });

  it('counts root fields, aliases and selected files', async () => {
    const query = `{ a: uploadSession(${ids}) { id } b: uploadSession(${ids}) { id files { name } } }`;
    expect(await errors(query, 3)).toEqual([]);
    expect(await errors(query, 2)).toEqual(['This operation could call Microsoft Graph 3 times; the limit is 2 (MAX_GRAPH_CALLS_PER_OPERATION).']);
  });

  it('counts a completion as two calls (a refused one is followed by a read)', async () => {
    const mutation = `mutation { a: completeUploadSession(input: {${ids}}) { id } b: completeUploadSession(input: {${ids}}) { id files { name } } }`;
    expect(await errors(mutation, 5)).toEqual([]);
    expect(await errors(mutation, 4)).toHaveLength(1);
  });

  it('counts fields inside named and inline fragments as often as they are spread', async () => {
    const query = `
      query { a: uploadSession(${ids}) { ...F } b: uploadSession(${ids}) { ...F ... on CustomDataProvidedResourceUploadSession { again: files { name } } } }
      fragment F on CustomDataProvidedResourceUploadSession { files { name } }`;
    expect(await errors(query, 5)).toEqual([]);
    expect(await errors(query, 4)).toHaveLength(1);
  });

  it('leaves out fields that @skip or @include drop, as execution would', () => {
    const query = `query ($skip: Boolean!) { a: uploadSession(${ids}) @skip(if: $skip) { id } b: uploadSession(${ids}) @include(if: false) { id } c: uploadSession(${ids}) { id } }`;
    expect(countGraphCalls(schema, parse(query), getOperationAST(parse(query))!, { skip: true })).toBe(1);
    expect(countGraphCalls(schema, parse(query), getOperationAST(parse(query))!, { skip: false })).toBe(2);
  });

  it('counts nothing when the variables do not coerce: Apollo refuses them with BAD_USER_INPUT', () => {
    const query = `query ($id: ID!) { uploadSession(catalogId: $id, resourceId: $id, uploadSessionId: $id) { id } }`;
    expect(countGraphCalls(schema, parse(query), getOperationAST(parse(query))!, { id: { not: 'an id' } })).toBeUndefined();
    expect(countGraphCalls(schema, parse(query), getOperationAST(parse(query))!, { id: 'x' })).toBe(1);
  });

  it('does not loop on fragment cycles (graphql-js reports them)', async () => {
    const query = `query { uploadSession(${ids}) { ...A } } fragment A on CustomDataProvidedResourceUploadSession { ...B } fragment B on CustomDataProvidedResourceUploadSession { ...A }`;
    expect(await errors(query, 10)).toEqual([]);
  });

  describe('as an Apollo plugin, one operation node sent again (Apollo hands a repeated document back)', () => {
    const subgraph = buildSubgraph();
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomDataProvidedResourceUploadSession { id } } }`;
    const representation = (id: string) => ({ __typename: 'CustomDataProvidedResourceUploadSession', catalogId: 'a', resourceId: 'b', id });

    it('counts representations in a variable on every request, not once per operation', async () => {
      const plugin = graphCallLimit(3);
      const document = parse(entities);
      expect(await refusal(plugin, document, { r: [representation('1')] }, subgraph)).toBeUndefined();
      expect(await refusal(plugin, document, { r: ['1', '2', '3', '4'].map(representation) }, subgraph)).toMatch(/could call Microsoft Graph 4 times/);
    });

    it('refuses an operation over the limit on its repeats too', async () => {
      const plugin = graphCallLimit(1);
      const document = parse(`{ a: uploadSession(${ids}) { id } b: uploadSession(${ids}) { id } }`);
      expect(await refusal(plugin, document, {})).toMatch(/2 times/);
      expect(await refusal(plugin, document, {})).toMatch(/2 times/);
    });
    it('counts a page size or a @skip condition given in a variable on every request', async () => {
      const plugin = graphCallLimit(10);
      const page = parse(`query($first: Int) { uploadSessions(${resource}, first: $first) { edges { node { files { name } } } } }`);
      expect(await refusal(plugin, page, { first: 5 })).toBeUndefined();
      expect(await refusal(plugin, page, { first: 20 })).toMatch(/21 times/);
      expect(await refusal(plugin, page, { first: null })).toMatch(/21 times/); // null is the default, 20
      const skipped = parse(`query($skip: Boolean!) { ${Array.from({ length: 11 }, (_, i) => `s${i}: uploadSession(${ids}) @skip(if: $skip) { id }`).join(' ')} }`);
      expect(await refusal(plugin, skipped, { skip: true })).toBeUndefined();
      expect(await refusal(plugin, skipped, { skip: false })).toMatch(/11 times/);
    });
  });
});
