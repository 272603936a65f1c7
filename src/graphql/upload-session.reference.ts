import { GraphRequestError } from '../errors';
import { assertSessionKey } from '../graph/session-key';
import type { UploadSession } from '../graph/upload-session';
import type { GatewayContext } from './context';

/** What another subgraph holds of a session: its `@key`. */
export interface SessionReference {
  catalogId: string;
  resourceId: string;
  id: string;
}

/**
 * Resolves a federation entity by reading the session (GET). A router may ask for the same session
 * several times in one `_entities` call or across fetches of one operation: each key is read once per
 * request. null (Graph 404) makes the entity null, as the `uploadSession` query does.
 */
export function resolveSessionReference(reference: SessionReference, { graph, call, sessionReads }: GatewayContext): Promise<UploadSession | null> {
  const key = assertSessionKey({ catalogId: reference.catalogId, resourceId: reference.resourceId, uploadSessionId: reference.id });
  const cacheKey = `${key.catalogId}/${key.resourceId}/${key.uploadSessionId}`.toLowerCase();
  let read = sessionReads.get(cacheKey);
  if (!read) {
    read = graph.getSession(key, call).catch((error: unknown) => {
      if (error instanceof GraphRequestError && error.failure.kind === 'http' && error.failure.status === 404) return null;
      throw error;
    });
    sessionReads.set(cacheKey, read);
  }
  return read;
}
