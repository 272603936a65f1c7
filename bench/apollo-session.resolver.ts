import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toUploadSession, type UploadedFile, type UploadSession } from '../src/graph/upload-sessions/upload-session';
import { CompleteUploadSessionInput } from '../src/graphql/upload-sessions/complete-upload-session.input';
import { CustomDataProvidedResourceFile, CustomDataProvidedResourceUploadSession } from '../src/graphql/upload-sessions/upload-session.type';
import { KEY, PATCH_BODY, SESSION_PATH } from './seed';

/** How the resolver calls the upstream: the one thing the two Apollo variants differ in. */
export type UpstreamCall = (path: string, init: { method: 'PATCH' | 'GET'; authorization: string; body?: string }) => Promise<unknown>;

export interface ApolloBenchContext {
  authorization: string;
}

/**
 * What a user would write first over the gateway's own schema types: arguments in, one call to Graph, the
 * gateway's mapping out. No guard, no retries, no limits.
 */
export function sessionResolver(call: UpstreamCall): new () => object {
  @Resolver(() => CustomDataProvidedResourceUploadSession)
  class SessionResolver {
    @Mutation(() => CustomDataProvidedResourceUploadSession)
    async completeUploadSession(@Arg('input') input: CompleteUploadSessionInput, @Ctx() context: ApolloBenchContext): Promise<UploadSession> {
      const json = await call(SESSION_PATH, { method: 'PATCH', authorization: context.authorization, body: PATCH_BODY });
      return toUploadSession(json, input);
    }

    // GraphQL requires a query; this one is not measured.
    @Query(() => CustomDataProvidedResourceUploadSession)
    async uploadSession(@Arg('uploadSessionId', () => ID) uploadSessionId: string, @Ctx() context: ApolloBenchContext): Promise<UploadSession> {
      const json = await call(SESSION_PATH, { method: 'GET', authorization: context.authorization });
      return { ...toUploadSession(json, KEY), id: uploadSessionId };
    }

    @FieldResolver(() => [CustomDataProvidedResourceFile])
    files(@Root() session: UploadSession): UploadedFile[] {
      return session.files ?? [];
    }
  }
  return SessionResolver;
}
