import { Arg, Ctx, Extensions, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { needsUpload, parseInstanceFilter, sessionOf } from '../../graph/access-reviews/review-client';
import { parseResourceKey } from '../../graph/odata/ids';
import { parsePageSize } from '../../graph/odata/paging';
import type { UploadSession } from '../../graph/upload-sessions/upload-session';
import { AccessReviewFilter } from './review.inputs';
import { AccessReviewInstance, AccessReviewInstanceConnection, type ServedInstance } from './review.type';
import type { GatewayContext } from '../edge/context';
import { GRAPH_CALLS, GRAPH_CALLS_PER_ITEM } from '../cost/graph-call-limit';
import { GRAPH_CALL_BUDGETS } from '../cost/graph-call-budgets';
import { toConnection, type RelayConnection } from '../schema/connection.type';
import { CustomDataProvidedResourceUploadSession } from '../upload-sessions/upload-session.type';

/**
 * Thin resolvers: arguments parsed here at the edge, the page is the Graph client's; the session fields
 * share the page's one read of the sessions.
 */
@Resolver(() => AccessReviewInstance)
export class AccessReviewResolver {
  @Query(() => AccessReviewInstanceConnection, {
    description: "The catalog's access reviews (their instances) that cover the resource, newest first, each with the resource's upload session.",
  })
  // The definitions' pages, one read per catalog definition, and one read of the sessions for the whole page.
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Query.accessReviews'], [GRAPH_CALLS_PER_ITEM]: 'first' })
  async accessReviews(
    @Arg('catalogId', () => ID) catalogId: string,
    @Arg('resourceId', () => ID) resourceId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: '1 to 100 (null: 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'An `endCursor` or edge `cursor` of an earlier page.' }) after: string | null,
    @Arg('filter', () => AccessReviewFilter, { nullable: true }) filter: AccessReviewFilter | null,
    @Ctx() { graph, call }: GatewayContext,
  ): Promise<RelayConnection<ServedInstance>> {
    const resource = parseResourceKey({ catalogId, resourceId });
    const request = { first: parsePageSize(first ?? 20), after: after ?? undefined, filter: parseInstanceFilter({ ...filter }) };
    const page = await graph.reviews.listInstances(resource, request, call);
    return toConnection(page, (node): ServedInstance => ({ ...node, pageSessions: page.sessions }));
  }

  @FieldResolver(() => CustomDataProvidedResourceUploadSession, {
    nullable: true,
    description: "The resource's upload session for this instance (referenceId = id); null when there is none.",
  })
  async uploadSession(@Root() instance: ServedInstance): Promise<UploadSession | null> {
    return sessionOf(instance, await instance.pageSessions()) ?? null;
  }

  @FieldResolver(() => Boolean, { description: 'INITIALIZING, and the resource has no completed session for this instance.' })
  async needsUpload(@Root() instance: ServedInstance): Promise<boolean> {
    return needsUpload(instance, await instance.pageSessions());
  }
}
