import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AccessReviewStatus, type AccessReviewInstance as GraphInstance } from '../../graph/access-reviews/review';
import type { UploadSession } from '../../graph/upload-sessions/upload-session';
import { Connection } from '../schema/connection.type';

registerEnumType(AccessReviewStatus, {
  name: 'AccessReviewStatus',
  description: "The instance's status as Graph names it; values Graph adds later arrive as UNKNOWN_FUTURE_VALUE.",
});

/** An instance as the resolvers hand it on: with its page's one read of the resource's sessions. */
export interface ServedInstance extends GraphInstance {
  pageSessions(): Promise<ReadonlyMap<string, UploadSession>>;
}

@ObjectType({ description: "One run of a catalog access review (Graph's accessReviewInstance).", simpleResolvers: true })
export class AccessReviewInstance implements Omit<GraphInstance, 'catalogIds'> {
  @Field(() => ID, { description: "Graph's instance id (= the upload session's referenceId)." })
  id!: string;

  @Field(() => ID)
  reviewDefinitionId!: string;

  @Field(() => String, { nullable: true, description: "The definition's." })
  displayName!: string | null;

  @Field(() => AccessReviewStatus)
  status!: AccessReviewStatus;

  @Field(() => Date, { nullable: true })
  startDateTime!: Date | null;

  @Field(() => Date, { nullable: true })
  endDateTime!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the upload window closes: startDateTime + 2 hours (an assumption: Microsoft documents the window, not a timestamp); null unless INITIALIZING.',
  })
  uploadDeadline!: Date | null;
}

export const AccessReviewInstanceConnection = Connection(AccessReviewInstance, 'AccessReviewInstance', {
  description: "A page of a catalog's review instances that cover a resource, newest first.",
  items: 'instances',
});
