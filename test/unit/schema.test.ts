import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { isObjectType, printSchema, type GraphQLObjectType } from 'graphql';
import { buildGatewaySchema } from '../../src/graphql/schema/schema';
import { buildSubgraph } from '../../src/graphql/schema/subgraph-schema';

// type-graphql gives every field a resolver of its own unless told the type's fields are simple: an object
// and a call per field per request, for middlewares this schema does not use.
it("reads the types' fields straight from the mapped objects: only what needs another Graph read has a resolver", () => {
  const schema = buildGatewaySchema();
  const resolved = Object.values(schema.getTypeMap())
    .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__') && !['Query', 'Mutation', 'Subscription'].includes(type.name))
    .flatMap((type) => Object.values(type.getFields()).map((field) => [type.name, field] as const))
    .filter(([, field]) => field.resolve !== undefined)
    .map(([type, field]) => `${type}.${field.name}`);
  // `files` when Graph did not send them inline; an instance's session fields from its page's one sessions read.
  expect(resolved.sort()).toEqual(['AccessReviewInstance.needsUpload', 'AccessReviewInstance.uploadSession', 'CustomDataProvidedResourceUploadSession.files']);
});

// Consoles (Apollo Sandbox, GraphiQL) list fields and arguments in the order the live schema has them.
it('serves the schema in the order schema.graphql prints it: arguments as written, not reversed', () => {
  const served = buildGatewaySchema();
  expect(printSchema(served) + '\n').toBe(readFileSync('schema.graphql', 'utf8'));
  const uploadSession = served.getQueryType()!.getFields().uploadSession!;
  expect(uploadSession.args.map((arg) => arg.name)).toEqual(['catalogId', 'resourceId', 'uploadSessionId']);
  // Sorting keeps what type-graphql attached: resolvers, the subscription's subscriber.
  expect(uploadSession.resolve).toBeInstanceOf(Function);
  expect(served.getSubscriptionType()!.getFields().accessReviewEvents!.subscribe).toBeInstanceOf(Function);
});

it('the federation subgraph is built from the sorted schema and keeps its entity resolver', () => {
  const subgraph = buildSubgraph();
  expect(subgraph.getQueryType()!.getFields()._entities!.resolve).toBeInstanceOf(Function);
  expect(subgraph.getQueryType()!.getFields().uploadSession!.args.map((arg) => arg.name)).toEqual(['catalogId', 'resourceId', 'uploadSessionId']);
});
