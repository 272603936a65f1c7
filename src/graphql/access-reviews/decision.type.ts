import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import {
  AccessReviewApplyResult,
  AccessReviewDecisionValue,
  type AccessReviewDecision as GraphDecision,
  type AccessReviewIdentity as GraphIdentity,
  type AccessReviewPermission as GraphPermission,
} from '../../graph/access-reviews/decision';
import { Connection } from '../schema/connection.type';

registerEnumType(AccessReviewDecisionValue, {
  name: 'AccessReviewDecisionValue',
  description: "A reviewer's decision; values Graph adds later arrive as UNKNOWN_FUTURE_VALUE.",
});

registerEnumType(AccessReviewApplyResult, {
  name: 'AccessReviewApplyResult',
  description: 'Whether a decision was carried out in the application; values Graph adds later arrive as UNKNOWN_FUTURE_VALUE.',
});

@ObjectType({ description: 'A user or service principal as Graph names it.', simpleResolvers: true })
export class AccessReviewIdentity implements GraphIdentity {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => String, { nullable: true })
  userPrincipalName!: string | null;
}

@ObjectType({ description: 'The permission the decision is about (a CSV row’s permission columns).', simpleResolvers: true })
export class AccessReviewPermission implements GraphPermission {
  @Field(() => ID, { nullable: true })
  id!: string | null;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => String, { nullable: true })
  type!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

@ObjectType({ description: "A reviewer's decision on one principal's permission on the resource (Graph's accessReviewInstanceDecisionItem).", simpleResolvers: true })
export class AccessReviewDecision implements Omit<GraphDecision, 'resourceId'> {
  @Field(() => ID)
  id!: string;

  @Field(() => AccessReviewDecisionValue)
  decision!: AccessReviewDecisionValue;

  @Field(() => AccessReviewApplyResult)
  applyResult!: AccessReviewApplyResult;

  @Field(() => String, { nullable: true })
  applyDescription!: string | null;

  @Field(() => AccessReviewIdentity)
  principal!: AccessReviewIdentity;

  @Field(() => AccessReviewPermission, { nullable: true })
  permission!: AccessReviewPermission | null;

  @Field(() => String, { nullable: true, description: "The custom data provided resource's scope id (the CSV's ScopeId)." })
  scopeId!: string | null;

  @Field(() => String, { nullable: true })
  scopeDisplayName!: string | null;

  @Field(() => String, { nullable: true, description: "The CSV's CustomData." })
  customData!: string | null;

  @Field(() => AccessReviewIdentity, { nullable: true, description: 'null until someone reviewed it.' })
  reviewedBy!: AccessReviewIdentity | null;

  @Field(() => Date, { nullable: true })
  reviewedDateTime!: Date | null;

  @Field(() => String, { nullable: true })
  justification!: string | null;

  @Field(() => String, { nullable: true, description: "Graph's recommendation: Approve, Deny or NoInfoAvailable." })
  recommendation!: string | null;
}

export const AccessReviewDecisionConnection = Connection(AccessReviewDecision, 'AccessReviewDecision', {
  description: "A page of the resource's decisions in one review instance.",
  items: 'decisions',
  totalCount: "How many of the resource's decisions match (Graph's $count); null when Graph does not say.",
});

@ObjectType({ simpleResolvers: true })
export class ApplyAccessReviewDecisionsPayload {
  @Field(() => ID)
  reviewInstanceId!: string;

  @Field({ description: 'Graph accepted the apply result (202); it lands on every decision of the resource.' })
  accepted!: boolean;
}
