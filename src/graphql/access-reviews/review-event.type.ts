import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { EVENT_TYPES, type ReviewEventType } from '../../watch/review-event';
import { AccessReviewInstance } from './review.type';

/** The watcher's event types as a GraphQL enum (each value its own name). */
export const AccessReviewEventType = Object.fromEntries(EVENT_TYPES.map((type) => [type, type])) as { [T in ReviewEventType]: T };

registerEnumType(AccessReviewEventType, {
  name: 'AccessReviewEventType',
  description: 'What happened to a review instance (each reported at most once per instance).',
  valuesConfig: {
    NEEDS_UPLOAD: { description: 'The instance needs the upload: INITIALIZING, no completed session, deadline not passed.' },
    UPLOAD_DEADLINE_NEAR: { description: 'Still needs the upload, WATCH_DEADLINE_WARNING_MIN or less before uploadDeadline.' },
    UPLOAD_WINDOW_MISSED: { description: 'Left INITIALIZING (or passed uploadDeadline) without a completed session.' },
    UPLOAD_COMPLETED: { description: "The resource's session for the instance became complete." },
    APPLYING: { description: 'The instance entered APPLYING: denied access is to be removed and recorded.' },
    APPLIED: { description: 'The instance became APPLIED.' },
  },
});

@ObjectType({ description: 'One transition of one review instance of a watched resource.', simpleResolvers: true })
export class AccessReviewEvent {
  @Field(() => ID, { description: 'Stable for one transition of one review instance: the same on every replica, after a failover, in a webhook.' })
  id!: string;

  @Field(() => AccessReviewEventType)
  type!: ReviewEventType;

  @Field(() => Date, { description: 'When the gateway saw the transition.' })
  occurredAt!: Date;

  @Field(() => ID)
  catalogId!: string;

  @Field(() => ID)
  resourceId!: string;

  @Field(() => AccessReviewInstance, { description: 'As accessReviews returns it, at the time of the event (its uploadSession without files).' })
  review!: AccessReviewInstance;
}
