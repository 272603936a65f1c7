import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { AccessReviewDecisionResolver } from '../access-reviews/decision.resolver';
import { AccessReviewResolver } from '../access-reviews/review.resolver';
import { UploadSessionFileResolver } from '../upload-sessions/upload-session-file.resolver';
import { UploadSessionResolver } from '../upload-sessions/upload-session.resolver';

export function buildGatewaySchema(): GraphQLSchema {
  return buildSchemaSync({ resolvers: [UploadSessionResolver, UploadSessionFileResolver, AccessReviewResolver, AccessReviewDecisionResolver], validate: false });
}

/** The schema as committed in `schema.graphql`: sorted, since type-graphql's own order is not stable. */
export function printGatewaySchema(schema: GraphQLSchema = buildGatewaySchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
