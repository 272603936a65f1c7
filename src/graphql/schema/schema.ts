import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, type PubSub } from 'type-graphql';
import { AccessReviewDecisionResolver } from '../access-reviews/decision.resolver';
import { AccessReviewEventResolver } from '../access-reviews/review-event.resolver';
import { AccessReviewResolver } from '../access-reviews/review.resolver';
import { EventPubSub } from '../subscriptions/event-pubsub';
import { UploadSessionFileResolver } from '../upload-sessions/upload-session-file.resolver';
import { UploadSessionResolver } from '../upload-sessions/upload-session.resolver';

export interface SchemaOptions {
  /** Where subscriptions' events come from (the watcher's, in a running gateway); a quiet one by default. */
  pubSub?: PubSub;
  /** false: no Subscription type (a federation subgraph: the gateway serves its subscriptions itself). */
  subscriptions?: boolean;
}

/**
 * The schema the gateway serves, sorted as `schema.graphql` prints it: type-graphql's own order is not stable
 * (it lists `uploadSession(uploadSessionId, resourceId, catalogId)`), and consoles show arguments as served.
 * Sorting keeps every field's resolver, subscriber and extensions (the Graph-call budgets).
 */
export function buildGatewaySchema({ pubSub = new EventPubSub(), subscriptions = true }: SchemaOptions = {}): GraphQLSchema {
  const resolvers = [UploadSessionResolver, UploadSessionFileResolver, AccessReviewResolver, AccessReviewDecisionResolver] as const;
  return lexicographicSortSchema(buildSchemaSync({ resolvers: subscriptions ? [...resolvers, AccessReviewEventResolver] : resolvers, pubSub, validate: false }));
}

/** The schema as committed in `schema.graphql`: sorted, since type-graphql's own order is not stable. */
export function printGatewaySchema(schema: GraphQLSchema = buildGatewaySchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
