import { Arg, Ctx, Extensions, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { parseGuids, parseResourceKey, parseSessionKey } from '../../graph/odata/ids';
import type { UploadedFile, UploadSession } from '../../graph/upload-sessions/upload-session';
import { parsePageSize } from '../../graph/odata/paging';
import { parseSessionFilter } from '../../graph/upload-sessions/session-list';
import { CompleteUploadSessionInput } from './complete-upload-session.input';
import type { GatewayContext } from '../edge/context';
import { DeleteUploadSessionPayload } from './delete-upload-session.payload';
import { GRAPH_CALLS, GRAPH_CALLS_PER_ITEM } from '../cost/graph-call-limit';
import { GRAPH_CALL_BUDGETS } from '../cost/graph-call-budgets';
import { toConnection, type RelayConnection } from '../schema/connection.type';
import { CreateUploadSessionInput, DeleteUploadSessionInput, UploadSessionFilter } from './upload-session.inputs';
import { CustomDataProvidedResourceFile, CustomDataProvidedResourceUploadSession, UploadSessionConnection } from './upload-session.type';

/**
 * Thin resolvers: arguments parsed (ids into GUIDs, once, here at the edge), one Graph client call, the
 * mapped session out. Retry rules live in the client.
 */
@Resolver(() => CustomDataProvidedResourceUploadSession)
export class UploadSessionResolver {
  @Query(() => CustomDataProvidedResourceUploadSession, { nullable: true, description: 'null when Graph answers 404' })
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Query.uploadSession'] })
  uploadSession(
    @Arg('catalogId', () => ID) catalogId: string,
    @Arg('resourceId', () => ID) resourceId: string,
    @Arg('uploadSessionId', () => ID) uploadSessionId: string,
    @Ctx() { sessions }: GatewayContext,
  ): Promise<UploadSession | null> {
    return sessions.session(parseSessionKey({ catalogId, resourceId, uploadSessionId }));
  }

  @Query(() => UploadSessionConnection, {
    description: "The resource's upload sessions, newest first; Relay-style cursor pagination over Graph's paging.",
  })
  // A page is one call; each session's `files`, when Graph does not send them inline, is one more per session.
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Query.uploadSessions'], [GRAPH_CALLS_PER_ITEM]: 'first' })
  async uploadSessions(
    @Arg('catalogId', () => ID) catalogId: string,
    @Arg('resourceId', () => ID) resourceId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: '1 to 100 (null: 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'An `endCursor` or edge `cursor` of an earlier page.' }) after: string | null,
    @Arg('filter', () => UploadSessionFilter, { nullable: true }) filter: UploadSessionFilter | null,
    @Ctx() { graph, call }: GatewayContext,
  ): Promise<RelayConnection<UploadSession>> {
    const resource = parseResourceKey({ catalogId, resourceId });
    const request = { first: parsePageSize(first ?? 20), after: after ?? undefined, filter: parseSessionFilter({ ...filter }) };
    return toConnection(await graph.sessions.listSessions(resource, request, call));
  }

  @Mutation(() => CustomDataProvidedResourceUploadSession, {
    description: 'Graph: POST …/uploadSessions (an access review upload session). One session per review instance and resource.',
  })
  // A lost answer is resolved by a lookup, then at most one more POST (and its lookup).
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Mutation.createUploadSession'] })
  createUploadSession(@Arg('input') input: CreateUploadSessionInput, @Ctx() { graph, call }: GatewayContext): Promise<UploadSession> {
    const resource = parseResourceKey(input);
    const review = parseGuids({ reviewDefinitionId: input.reviewDefinitionId, reviewInstanceId: input.reviewInstanceId });
    return graph.sessions.createSession(resource, review, call);
  }

  @Mutation(() => CustomDataProvidedResourceUploadSession, {
    description: 'Marks the upload session as done (Graph: PATCH … {isUploadDone: true}). Safe to retry.',
  })
  // A refused completion is followed by a read of the session: two calls at most.
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Mutation.completeUploadSession'] })
  completeUploadSession(@Arg('input') input: CompleteUploadSessionInput, @Ctx() { graph, call }: GatewayContext): Promise<UploadSession> {
    return graph.sessions.completeSession(parseSessionKey(input), call);
  }

  @Mutation(() => DeleteUploadSessionPayload, { description: 'Graph: DELETE …/uploadSessions/{id}. Safe to retry.' })
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Mutation.deleteUploadSession'] })
  async deleteUploadSession(@Arg('input') input: DeleteUploadSessionInput, @Ctx() { graph, call }: GatewayContext): Promise<DeleteUploadSessionPayload> {
    const key = parseSessionKey(input);
    await graph.sessions.deleteSession(key, call);
    // The id as the caller sent it: the key is lower-cased for comparisons, the answer echoes the request.
    return { deletedUploadSessionId: input.uploadSessionId };
  }

  @FieldResolver(() => [CustomDataProvidedResourceFile], {
    description: "The session's whole file list (fetched from Graph only when selected and not sent inline).",
  })
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['CustomDataProvidedResourceUploadSession.files'] })
  files(@Root() session: UploadSession, @Ctx() { sessions }: GatewayContext): UploadedFile[] | Promise<UploadedFile[]> {
    // The session's id comes from Graph's answer: a path is built from it only if it is a GUID too.
    return session.files ?? sessions.filesOf(parseSessionKey({ catalogId: session.catalogId, resourceId: session.resourceId, uploadSessionId: session.id }));
  }
}
