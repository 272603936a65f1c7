import { Arg, Extensions, ID, Resolver, Root, Subscription } from 'type-graphql';
import { AccessReviewStatus } from '../../graph/access-reviews/review';
import { UploadSessionStatus, type UploadSession } from '../../graph/upload-sessions/upload-session';
import type { ReviewEvent, ReviewSnapshot } from '../../watch/review-event';
import { idKey } from '../../graph/odata/ids';
import { GRAPH_CALL_BUDGETS } from '../cost/graph-call-budgets';
import { GRAPH_CALLS } from '../cost/graph-call-limit';
import { watchedTopic, type SubscriptionContext } from '../subscriptions/subscription-context';
import { AccessReviewEvent } from './review-event.type';
import type { ServedInstance } from './review.type';

/**
 * Review events arrive through the schema's pubSub (subscriptions/event-pubsub.ts), on the watched resource's
 * topic; the resolver only shapes the published event for the schema. Nothing here calls Graph: the event
 * carries the review as the poll saw it.
 */
@Resolver(() => AccessReviewEvent)
export class AccessReviewEventResolver {
  @Subscription(() => AccessReviewEvent, {
    description: "Events of one watched resource's access reviews, from the moment of subscribing.",
    // The WebSocket endpoint checks the resource before it subscribes (so a refusal is the protocol's `error`); this is the same check.
    topics: ({ args, context }) => watchedTopic(context as SubscriptionContext, args as { catalogId: string; resourceId: string }),
  })
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Subscription.accessReviewEvents'] })
  accessReviewEvents(
    @Root() event: ReviewEvent,
    @Arg('catalogId', () => ID) _catalogId: string,
    @Arg('resourceId', () => ID) _resourceId: string,
  ): AccessReviewEvent {
    return { ...event, occurredAt: new Date(event.occurredAt), review: servedInstance(event) };
  }
}

/** The event's review as the AccessReviewInstance resolvers take it: its one session is the page's. */
function servedInstance({ review, catalogId, resourceId }: ReviewEvent): ServedInstance {
  const sessions = new Map<string, UploadSession>();
  if (review.uploadSession) sessions.set(idKey(review.id), toSession(review.uploadSession, catalogId, resourceId));
  return {
    id: review.id,
    reviewDefinitionId: review.reviewDefinitionId,
    displayName: review.displayName,
    status: known(AccessReviewStatus, review.status, AccessReviewStatus.UNKNOWN_FUTURE_VALUE),
    startDateTime: date(review.startDateTime),
    endDateTime: date(review.endDateTime),
    uploadDeadline: date(review.uploadDeadline),
    catalogIds: [catalogId],
    pageSessions: async () => sessions,
  };
}

function toSession(session: NonNullable<ReviewSnapshot['uploadSession']>, catalogId: string, resourceId: string): UploadSession {
  return {
    ...session,
    catalogId,
    resourceId,
    status: known(UploadSessionStatus, session.status, UploadSessionStatus.UNKNOWN_FUTURE_VALUE),
    // Events carry no files (contract): an empty list, never a Graph call on a subscriber's behalf.
    files: [],
    createdDateTime: date(session.createdDateTime),
    expirationDateTime: date(session.expirationDateTime),
    reviewContext: null,
  };
}

function known<E extends string>(values: Record<string, E>, value: string, unknown: E): E {
  return (Object.values(values) as string[]).includes(value) ? (value as E) : unknown;
}

function date(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}
