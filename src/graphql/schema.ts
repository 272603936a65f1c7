import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { AccessReviewDecisionResolver } from './access-review-decision.resolver';
import { AccessReviewResolver } from './access-review.resolver';
import { UploadSessionFileResolver } from './upload-session-file.resolver';
import { UploadSessionResolver } from './upload-session.resolver';

export function buildGatewaySchema(): GraphQLSchema {
  return buildSchemaSync({ resolvers: [UploadSessionResolver, UploadSessionFileResolver, AccessReviewResolver, AccessReviewDecisionResolver], validate: false });
}

/** The schema as committed in `schema.graphql`: sorted, since type-graphql's own order is not stable. */
export function printGatewaySchema(schema: GraphQLSchema = buildGatewaySchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
