import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { isObjectType, lexicographicSortSchema, parse, type GraphQLSchema } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { buildGatewaySchema } from './schema';
import { resolveSessionReference } from './upload-session.reference';

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/**
 * The gateway's schema as an Apollo Federation 2 subgraph (`_service`, `_entities`), type-graphql's way:
 * build, print with directives, rebuild with @apollo/subgraph. Sorted first, because type-graphql's own
 * argument order is not stable and the printed subgraph SDL is a committed artifact.
 */
export function buildSubgraph(schema: GraphQLSchema = buildGatewaySchema()): GraphQLSchema {
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  const subgraph = buildSubgraphSchema({
    typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(lexicographicSortSchema(schema))}`),
    resolvers: {
      ...resolvers,
      CustomDataProvidedResourceUploadSession: { ...resolvers.CustomDataProvidedResourceUploadSession, __resolveReference: resolveSessionReference },
    } as never,
  });
  copyFieldExtensions(schema, subgraph);
  return subgraph;
}

/** The subgraph SDL a router composes (`_service { sdl }`), as committed in `subgraph.graphql`. */
export function printSubgraph(subgraph: GraphQLSchema = buildSubgraph()): string {
  return printSubgraphSchema(subgraph) + '\n';
}

/** Rebuilding from SDL drops field extensions; the Graph-call limit reads them, so they are carried over. */
function copyFieldExtensions(from: GraphQLSchema, to: GraphQLSchema): void {
  for (const type of Object.values(from.getTypeMap())) {
    const target = to.getType(type.name);
    if (!isObjectType(type) || !isObjectType(target)) continue;
    const targetFields = target.getFields();
    for (const [name, field] of Object.entries(type.getFields())) {
      if (targetFields[name]) targetFields[name].extensions = field.extensions;
    }
  }
}
