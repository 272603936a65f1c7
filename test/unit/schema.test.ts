import 'reflect-metadata';
import { isObjectType, type GraphQLObjectType } from 'graphql';
import { buildGatewaySchema } from '../../src/graphql/schema/schema';

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
