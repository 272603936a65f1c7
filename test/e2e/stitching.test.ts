import { readFileSync } from 'node:fs';
import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { stitchSchemas } from '@graphql-tools/stitch';
import { buildSchema, graphql, type GraphQLSchema } from 'graphql';
import { SEED, postGraphQL, startTestGateway, type TestGateway } from '../support/gateway';

/** What a platform team stitches next to us: a schema of its own, served in-process. */
const catalogs = makeExecutableSchema({
  typeDefs: 'type Query { catalogName(catalogId: ID!): String }',
  resolvers: { Query: { catalogName: (_: unknown, { catalogId }: { catalogId: string }) => (catalogId === SEED.catalogId ? 'Buildings' : null) } },
});

let t: TestGateway;
let stitched: GraphQLSchema;
beforeAll(async () => {
  t = await startTestGateway();
  stitched = stitchSchemas({
    subschemas: [
      // Our committed SDL is the contract; the executor sends every delegated operation to the running gateway.
      { schema: buildSchema(readFileSync('schema.graphql', 'utf8')), executor: buildHTTPExecutor({ endpoint: t.url.href }) },
      { schema: catalogs },
    ],
  });
});
afterAll(() => t.stop());

const run = (source: string, variableValues?: Record<string, unknown>) => graphql({ schema: stitched, source, variableValues });
const missing = { ...SEED, uploadSessionId: '00000000-0000-4000-8000-000000000000' };

it('runs a query across the gateway and the local schema', async () => {
  const result = await run(`query ($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!) {
    catalogName(catalogId: $catalogId)
    uploadSession(catalogId: $catalogId, resourceId: $resourceId, uploadSessionId: $uploadSessionId) { id status stats { totalBytesUploaded } }
  }`, SEED);
  expect(result.errors).toBeUndefined();
  expect(result.data).toEqual({
    catalogName: 'Buildings',
    uploadSession: { id: SEED.uploadSessionId, status: 'ACTIVE', stats: { totalBytesUploaded: 2_000_000 } },
  });
});

it('runs the mutation through the stitched schema', async () => {
  const result = await run('mutation ($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id status isUploadDone files { name } } }', {
    input: SEED,
  });
  expect(result.errors).toBeUndefined();
  expect(result.data?.completeUploadSession).toEqual({ id: SEED.uploadSessionId, status: 'COMPLETE', isUploadDone: true, files: [{ name: 'building-a-access.csv' }] });
});

it('passes our errors on unchanged: message, code and extensions.graph', async () => {
  const mutation = 'mutation ($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id } }';
  const direct = await postGraphQL(t.url, mutation, { input: missing });
  t.emulator.requests.splice(0);
  const result = await run(mutation, { input: missing });

  const error = result.errors?.[0];
  const directGraph = direct.body.errors?.[0]?.extensions?.graph as { code: string };
  expect(error?.message).toBe(direct.body.errors?.[0]?.message);
  expect(error?.extensions).toEqual({
    code: 'NOT_FOUND',
    graph: { status: 404, code: directGraph.code, requestId: expect.any(String), clientRequestId: t.emulator.requests[0]?.clientRequestId },
  });

  const invalid = await run(mutation, { input: { ...SEED, resourceId: 'nope' } });
  expect(invalid.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', invalidArguments: ['resourceId'] });
});
