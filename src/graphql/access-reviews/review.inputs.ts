import { Field, ID, InputType } from 'type-graphql';
import { AccessReviewStatus } from '../../graph/access-reviews/review';
import { AccessReviewApplyResult, AccessReviewDecisionValue } from '../../graph/access-reviews/decision';
import { ReviewKeyInput } from '../upload-sessions/session-key.input';

@InputType({ description: 'Which instances to list; both conditions must hold.' })
export class AccessReviewFilter {
  @Field(() => AccessReviewStatus, { nullable: true })
  status?: AccessReviewStatus;

  @Field(() => Boolean, { nullable: true, description: 'true: only the instances waiting for this resource’s data.' })
  needsUpload?: boolean;
}

@InputType({ description: 'The resource’s decisions in one review instance; every id is a GUID, both filters optional.' })
export class AccessReviewDecisionsInput extends ReviewKeyInput {
  @Field(() => AccessReviewDecisionValue, { nullable: true })
  decision?: AccessReviewDecisionValue;

  @Field(() => AccessReviewApplyResult, { nullable: true })
  applyResult?: AccessReviewApplyResult;
}

@InputType({ description: 'One apply result for every decision of the resource in an APPLYING instance.' })
export class ApplyAccessReviewDecisionsInput extends ReviewKeyInput {
  @Field(() => AccessReviewApplyResult)
  applyResult!: AccessReviewApplyResult;

  @Field(() => String, { nullable: true })
  applyDescription?: string | null;
}

@InputType({ description: "One decision's apply result: what removing (or keeping) the access did in the application." })
export class RecordAccessReviewDecisionAppliedInput extends ReviewKeyInput {
  @Field(() => ID)
  decisionId!: string;

  @Field(() => AccessReviewApplyResult)
  applyResult!: AccessReviewApplyResult;

  @Field(() => String, { nullable: true })
  applyDescription?: string | null;
}
