import type { GraphPaths } from '../graph-paths';
import type { Guid } from '../odata/ids';

export const BATCH_APPLY = 'batchApplyCustomDataProvidedResourceDecisions';

/** The ids that name one instance under its definition, parsed at the GraphQL edge. */
export interface InstanceKey {
  readonly reviewDefinitionId: Guid;
  readonly reviewInstanceId: Guid;
}

/**
 * Graph's access review paths (graph-api-reviews.md §1, §4). v1.0 serves catalog reviews on the unified
 * route only; beta keeps the classic route, where batch apply needs `x-accessreviews-version: vNext`.
 * Ids are percent-encoded even though they are GUIDs. Definition ids from Graph's own answers are not
 * parsed, hence `string` where a path may name one.
 */
export class AccessReviewPaths {
  private readonly base: string;

  constructor(private readonly paths: GraphPaths) {
    this.base = `${paths.root}/identityGovernance/accessReviews${paths.version === 'v1.0' ? '/unified' : ''}`;
  }

  definitions(): string {
    return `${this.base}/definitions`;
  }

  definition(definitionId: string): string {
    return `${this.definitions()}/${encodeURIComponent(definitionId)}`;
  }

  instances(definitionId: string): string {
    return `${this.definition(definitionId)}/instances`;
  }

  instance(key: InstanceKey): string {
    return `${this.instances(key.reviewDefinitionId)}/${encodeURIComponent(key.reviewInstanceId)}`;
  }

  decisions(key: InstanceKey): string {
    return `${this.instance(key)}/decisions`;
  }

  decision(key: InstanceKey, decisionId: string): string {
    return `${this.decisions(key)}/${encodeURIComponent(decisionId)}`;
  }

  /** v1.0 documents batch apply only as `unified/instances/{i}/…`: the path names no definition. */
  batchApply(key: InstanceKey): string {
    if (this.paths.version === 'v1.0') return `${this.base}/instances/${encodeURIComponent(key.reviewInstanceId)}/${BATCH_APPLY}`;
    return `${this.instance(key)}/${BATCH_APPLY}`;
  }

  /** Beta's batch apply page requires this header; v1.0's unified route is the vNext service already. */
  batchApplyHeaders(): Record<string, string> {
    return this.paths.version === 'beta' ? { 'x-accessreviews-version': 'vNext' } : {};
  }

  /** Graph's nextLink as a path to send, only when it pages `collectionPath` on Graph's origin (graph-paths.ts). */
  pagingLink(link: string, collectionPath: string, odataFilter?: string): string | undefined {
    return this.paths.pagingLinkPath(link, collectionPath, odataFilter);
  }
}
