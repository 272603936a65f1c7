import { Arg, Ctx, Extensions, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AccessReviewDecision as GraphDecision } from '../graph/access-review-decision';
import { DECISION_GRAPH_CALLS } from '../graph/access-review-decisions';
import { AccessReviewDecision, AccessReviewDecisionConnection, ApplyAccessReviewDecisionsPayload } from './access-review-decision.type';
import { AccessReviewDecisionsInput, ApplyAccessReviewDecisionsInput, RecordAccessReviewDecisionAppliedInput } from './access-review.inputs';
import type { GatewayContext } from './context';
import { GRAPH_CALLS } from './graph-call-limit';

/** Thin resolvers: the review checks, retries and Graph's shapes live in the Graph client (access-review-decisions.ts). */
@Resolver(() => AccessReviewDecision)
export class AccessReviewDecisionResolver {
  @Query(() => AccessReviewDecisionConnection, { description: "Reviewers' decisions on the resource in one review instance; Relay-style paging over Graph's." })
  @Extensions({ [GRAPH_CALLS]: DECISION_GRAPH_CALLS.list })
  async accessReviewDecisions(
    @Arg('input') input: AccessReviewDecisionsInput,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: '1 to 100 (null: 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'An `endCursor` or edge `cursor` of an earlier page.' }) after: string | null,
    @Ctx() { graph, call }: GatewayContext,
  ): Promise<AccessReviewDecisionConnection> {
    const { decision, applyResult } = input;
    const page = await graph.decisions.listDecisions(input, { first: first ?? 50, after: after ?? undefined, decision, applyResult }, call);
    return {
      edges: page.edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor ?? null },
      totalCount: page.totalCount ?? null,
    };
  }

  @Mutation(() => ApplyAccessReviewDecisionsPayload, {
    description:
      'Graph: batchApplyCustomDataProvidedResourceDecisions. Records one apply result on every decision of the resource in an APPLYING instance. Safe to retry.',
  })
  @Extensions({ [GRAPH_CALLS]: DECISION_GRAPH_CALLS.apply })
  async applyAccessReviewDecisions(@Arg('input') input: ApplyAccessReviewDecisionsInput, @Ctx() { graph, call }: GatewayContext): Promise<ApplyAccessReviewDecisionsPayload> {
    await graph.decisions.applyDecisions(input, { applyResult: input.applyResult, applyDescription: input.applyDescription }, call);
    return { reviewInstanceId: input.reviewInstanceId, accepted: true };
  }

  @Mutation(() => AccessReviewDecision, {
    description: "Graph: PATCH of one decision's applyResult/applyDescription (documented in Entra's how-to only: an assumption). Safe to retry.",
  })
  @Extensions({ [GRAPH_CALLS]: DECISION_GRAPH_CALLS.record })
  recordAccessReviewDecisionApplied(@Arg('input') input: RecordAccessReviewDecisionAppliedInput, @Ctx() { graph, call }: GatewayContext): Promise<GraphDecision> {
    return graph.decisions.recordApplied(input, input.decisionId, { applyResult: input.applyResult, applyDescription: input.applyDescription }, call);
  }
}
