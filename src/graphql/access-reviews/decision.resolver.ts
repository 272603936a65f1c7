import { Arg, Ctx, Extensions, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AccessReviewDecision as GraphDecision } from '../../graph/access-reviews/decision';
import { parseReviewKey } from '../../graph/access-reviews/review-check';
import { parseDecisionFilter, parseOutcome } from '../../graph/access-reviews/decision-client';
import { parseGuids } from '../../graph/odata/ids';
import { parsePageSize } from '../../graph/odata/paging';
import { AccessReviewDecision, AccessReviewDecisionConnection, ApplyAccessReviewDecisionsPayload } from './decision.type';
import { AccessReviewDecisionsInput, ApplyAccessReviewDecisionsInput, RecordAccessReviewDecisionAppliedInput } from './review.inputs';
import type { GatewayContext } from '../edge/context';
import { GRAPH_CALLS } from '../cost/graph-call-limit';
import { GRAPH_CALL_BUDGETS } from '../cost/graph-call-budgets';
import { toConnection, type RelayConnection } from '../schema/connection.type';

/**
 * Thin resolvers: ids and values parsed here at the edge; the review checks, retries and Graph's shapes
 * live in the Graph client (access-review-decisions.ts).
 */
@Resolver(() => AccessReviewDecision)
export class AccessReviewDecisionResolver {
  @Query(() => AccessReviewDecisionConnection, { description: "Reviewers' decisions on the resource in one review instance; Relay-style paging over Graph's." })
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Query.accessReviewDecisions'] })
  async accessReviewDecisions(
    @Arg('input') input: AccessReviewDecisionsInput,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: '1 to 100 (null: 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'An `endCursor` or edge `cursor` of an earlier page.' }) after: string | null,
    @Ctx() { graph, call }: GatewayContext,
  ): Promise<RelayConnection<GraphDecision>> {
    const request = { first: parsePageSize(first ?? 50), after: after ?? undefined, ...parseDecisionFilter(input) };
    return toConnection(await graph.decisions.listDecisions(parseReviewKey(input), request, call));
  }

  @Mutation(() => ApplyAccessReviewDecisionsPayload, {
    description:
      'Graph: batchApplyCustomDataProvidedResourceDecisions. Records one apply result on every decision of the resource in an APPLYING instance. Safe to retry.',
  })
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Mutation.applyAccessReviewDecisions'] })
  async applyAccessReviewDecisions(@Arg('input') input: ApplyAccessReviewDecisionsInput, @Ctx() { graph, call }: GatewayContext): Promise<ApplyAccessReviewDecisionsPayload> {
    await graph.decisions.applyDecisions(parseReviewKey(input), parseOutcome(input), call);
    return { reviewInstanceId: input.reviewInstanceId, accepted: true };
  }

  @Mutation(() => AccessReviewDecision, {
    description: "Graph: PATCH of one decision's applyResult/applyDescription (documented in Entra's how-to only: an assumption). Safe to retry.",
  })
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Mutation.recordAccessReviewDecisionApplied'] })
  recordAccessReviewDecisionApplied(@Arg('input') input: RecordAccessReviewDecisionAppliedInput, @Ctx() { graph, call }: GatewayContext): Promise<GraphDecision> {
    const key = parseReviewKey(input);
    const { decisionId } = parseGuids({ decisionId: input.decisionId });
    return graph.decisions.recordApplied(key, decisionId, parseOutcome(input), call);
  }
}
