import { Arg, Ctx, Extensions, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AccessReviewDecision as GraphDecision } from '../graph/access-review-decision';
import { parseReviewKey } from '../graph/access-review-client';
import { DECISION_GRAPH_CALLS, parseDecisionFilter, parseOutcome } from '../graph/access-review-decisions';
import { parseGuids } from '../graph/session-key';
import { parsePageSize } from '../graph/upload-session-query';
import { AccessReviewDecision, AccessReviewDecisionConnection, ApplyAccessReviewDecisionsPayload } from './access-review-decision.type';
import { AccessReviewDecisionsInput, ApplyAccessReviewDecisionsInput, RecordAccessReviewDecisionAppliedInput } from './access-review.inputs';
import type { GatewayContext } from './context';
import { GRAPH_CALLS } from './graph-call-limit';

/**
 * Thin resolvers: ids and values parsed here at the edge; the review checks, retries and Graph's shapes
 * live in the Graph client (access-review-decisions.ts).
 */
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
    const request = { first: parsePageSize(first ?? 50), after: after ?? undefined, ...parseDecisionFilter(input) };
    const page = await graph.decisions.listDecisions(parseReviewKey(input), request, call);
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
    await graph.decisions.applyDecisions(parseReviewKey(input), parseOutcome(input), call);
    return { reviewInstanceId: input.reviewInstanceId, accepted: true };
  }

  @Mutation(() => AccessReviewDecision, {
    description: "Graph: PATCH of one decision's applyResult/applyDescription (documented in Entra's how-to only: an assumption). Safe to retry.",
  })
  @Extensions({ [GRAPH_CALLS]: DECISION_GRAPH_CALLS.record })
  recordAccessReviewDecisionApplied(@Arg('input') input: RecordAccessReviewDecisionAppliedInput, @Ctx() { graph, call }: GatewayContext): Promise<GraphDecision> {
    const key = parseReviewKey(input);
    const { decisionId } = parseGuids({ decisionId: input.decisionId });
    return graph.decisions.recordApplied(key, decisionId, parseOutcome(input), call);
  }
}
