import { parseGuids, type ResourceKey } from '../odata/ids';
import { read } from '../transport/graph-answer';
import type { GraphSubject } from '../transport/graph-failure';
import type { GraphTransport } from '../transport/graph-transport';
import type { GraphAnswer, GraphCall } from '../transport/graph-request';
import { retryIdempotent } from '../transport/retry-policy';
import { reviewsCatalog, toDefinition, toInstance, type AccessReviewInstance } from './review';
import type { AccessReviewPaths, InstanceKey } from './review-paths';
import { ReviewScopeError } from './review-scope';

export const READ_PERMISSION = 'AccessReview.Read.All';
export const WRITE_PERMISSION = 'AccessReview.ReadWrite.All';

/** A review instance of a catalog, named for one of its resources: every id a GUID. */
export interface ReviewKey extends ResourceKey, InstanceKey {}

/** Only the key's own ids are read: an input object carries other fields too. */
export function parseReviewKey(input: { catalogId: string; resourceId: string; reviewDefinitionId: string; reviewInstanceId: string }): ReviewKey {
  return parseGuids({ catalogId: input.catalogId, resourceId: input.resourceId, reviewDefinitionId: input.reviewDefinitionId, reviewInstanceId: input.reviewInstanceId });
}

/** GET of a review's part through the caller's transport: a failure carries what was asked for and the permission it needs. */
export function reviewGet(transport: GraphTransport, path: string, call: GraphCall, permission: string, subject: GraphSubject): Promise<GraphAnswer> {
  return transport.send({ method: 'GET', path, retryable: retryIdempotent, subject, permission }, call);
}

/**
 * The checks before any decision is read or any apply result written, in every auth mode: the gateway's own
 * identity may read every review in the tenant, so the caller's catalog must be the definition's, and the
 * instance must be that definition's (v1.0's batch-apply path names only the instance). FORBIDDEN or NOT_FOUND
 * otherwise, with nothing read beyond the definition and the instance: two Graph calls.
 */
export async function confirmReview(transport: GraphTransport, paths: AccessReviewPaths, key: ReviewKey, permission: string, call: GraphCall): Promise<AccessReviewInstance> {
  const definition = read(await reviewGet(transport, paths.definition(key.reviewDefinitionId), call, permission, 'review definition'), toDefinition);
  if (!reviewsCatalog(definition, key.catalogId)) throw new ReviewScopeError('definition');
  const instance = read(await reviewGet(transport, paths.instance(key), call, permission, 'review instance'), (json) => toInstance(json, definition));
  // The instance's scope is its definition's, copied: one that names other catalogs is not this one's.
  if (instance.catalogIds.length > 0 && !reviewsCatalog(instance, key.catalogId)) throw new ReviewScopeError('instance');
  return instance;
}
