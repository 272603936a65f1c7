import { parseGuids } from '../../graph/odata/ids';
import type { UploadSession } from '../../graph/upload-sessions/upload-session';
import type { GatewayContext } from '../edge/context';

/** What another subgraph holds of a session: its `@key`. */
export interface SessionReference {
  catalogId?: unknown;
  resourceId?: unknown;
  id?: unknown;
}

/**
 * Resolves a federation entity by reading the session through the request's loader, so representations
 * naming the same session share one read. Always a promise, never a synchronous throw: @apollo/subgraph
 * resolves `_entities` item by item, and only a rejected promise fails its own item alone. A missing key
 * is a null entity; a malformed one is a null entity with BAD_USER_INPUT at its own path; a session
 * Graph does not know (404) is null, as the `uploadSession` query answers.
 */
export async function resolveSessionReference(reference: SessionReference, { sessions }: GatewayContext): Promise<UploadSession | null> {
  const { catalogId, resourceId, id } = reference;
  if (catalogId == null || resourceId == null || id == null) return null;
  const ids = parseGuids({ catalogId, resourceId, id });
  return sessions.session({ catalogId: ids.catalogId, resourceId: ids.resourceId, uploadSessionId: ids.id });
}
