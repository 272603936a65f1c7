import { Arg, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphRequestError } from '../errors';
import { assertSessionKey } from '../graph/session-key';
import type { UploadedFile, UploadSession } from '../graph/upload-session';
import { CompleteUploadSessionInput } from './complete-upload-session.input';
import type { GatewayContext } from './context';
import { GRAPH_CALLS } from './graph-call-limit';
import { CustomDataProvidedResourceFile, CustomDataProvidedResourceUploadSession } from './upload-session.type';

@Resolver(() => CustomDataProvidedResourceUploadSession)
export class UploadSessionResolver {
  @Mutation(() => CustomDataProvidedResourceUploadSession, {
    description: 'Marks the upload session as done (Graph: PATCH … {isUploadDone: true}). Safe to retry.',
  })
  // A refused completion is followed by a read of the session: two calls at most.
  @Extensions({ [GRAPH_CALLS]: 2 })
  completeUploadSession(@Arg('input') input: CompleteUploadSessionInput, @Ctx() { graph, call }: GatewayContext): Promise<UploadSession> {
    return graph.completeSession(assertSessionKey(input), call);
  }

  @Query(() => CustomDataProvidedResourceUploadSession, { nullable: true, description: 'null when Graph answers 404' })
  @Extensions({ [GRAPH_CALLS]: 1 })
  async uploadSession(
    @Arg('catalogId', () => ID) catalogId: string,
    @Arg('resourceId', () => ID) resourceId: string,
    @Arg('uploadSessionId', () => ID) uploadSessionId: string,
    @Ctx() { graph, call }: GatewayContext,
  ): Promise<UploadSession | null> {
    const key = assertSessionKey({ catalogId, resourceId, uploadSessionId });
    try {
      return await graph.getSession(key, call);
    } catch (error) {
      if (error instanceof GraphRequestError && error.failure.kind === 'http' && error.failure.status === 404) return null;
      throw error;
    }
  }

  @FieldResolver(() => [CustomDataProvidedResourceFile], {
    description: "The session's whole file list (fetched from Graph only when selected and not sent inline).",
  })
  @Extensions({ [GRAPH_CALLS]: 1 })
  files(@Root() session: UploadSession, @Ctx() { graph, call }: GatewayContext): UploadedFile[] | Promise<UploadedFile[]> {
    const key = { catalogId: session.catalogId, resourceId: session.resourceId, uploadSessionId: session.id };
    return session.files ?? graph.getFiles(key, call);
  }
}
