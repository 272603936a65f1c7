import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import {
  isInterfaceType,
  isObjectType,
  isTypeDefinitionNode,
  Kind,
  lexicographicSortSchema,
  parse,
  printSchema,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { createResolversMap } from 'type-graphql';
import { buildGatewaySchema } from './schema';
import { resolveSessionReference } from '../upload-sessions/upload-session.reference';

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/**
 * The gateway's schema as an Apollo Federation 2 subgraph (`_service`, `_entities`), type-graphql's way:
 * build, print with directives, rebuild with @apollo/subgraph. Sorted first, because type-graphql's own
 * argument order is not stable and the printed subgraph SDL is a committed artifact.
 */
export function buildSubgraph(schema: GraphQLSchema = buildGatewaySchema({ subscriptions: false })): GraphQLSchema {
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  const subgraph = buildSubgraphSchema({
    typeDefs: withAppliedDirectives(lexicographicSortSchema(schema)),
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

/**
 * The schema as SDL with the directives type-graphql's `@Directive` applied (`@key`, and on fields e.g.
 * `@shareable`). graphql's printSchema leaves applied directives out; type-graphql keeps them on each
 * type's and field's AST node, so they are put back on the printed definitions. This replaces
 * @graphql-tools/utils' printer, whose version line pulls a runtime dependency that declares Node ≥ 22.
 */
function withAppliedDirectives(schema: GraphQLSchema): DocumentNode {
  const definitions = parse(printSchema(schema)).definitions.map((definition) => {
    if (!isTypeDefinitionNode(definition)) return definition;
    const type = schema.getType(definition.name.value);
    const applied = withDirectivesOf(definition, type);
    if (applied.kind !== Kind.OBJECT_TYPE_DEFINITION && applied.kind !== Kind.INTERFACE_TYPE_DEFINITION) return applied;
    const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
    return { ...applied, fields: applied.fields?.map((field) => withDirectivesOf(field, fields[field.name.value])) };
  });
  return { kind: Kind.DOCUMENT, definitions: [...parse(FEDERATION_LINK).definitions, ...definitions] };
}

/** printSchema's own directives (`@deprecated`, `@specifiedBy`) stay; type-graphql's are added after them. */
function withDirectivesOf<T extends { readonly directives?: readonly ConstDirectiveNode[] }>(
  node: T,
  element: { readonly astNode?: { readonly directives?: readonly ConstDirectiveNode[] } | null } | undefined,
): T {
  const printed = node.directives ?? [];
  const added = (element?.astNode?.directives ?? []).filter((directive) => !printed.some((own) => own.name.value === directive.name.value));
  return { ...node, directives: [...printed, ...added] };
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
