import { isGuid } from '../../graph/odata/ids';
import { decodeSegments } from '../upload-sessions/session-paths';
import { badRequest } from '../server/http-error';

export const BATCH_APPLY = 'batchApplyCustomDataProvidedResourceDecisions';

/** What under `…/accessReviews` a request names. */
export type ReviewTarget = 'definitions' | 'definition' | 'instances' | 'instance' | 'decisions' | 'decision' | 'batchApply';

export interface ReviewPath {
  /** The version segment as the request wrote it (`beta` or `v1.0`). */
  version: string;
  /** The unified route (`…/accessReviews/unified/…`) rather than the classic one. */
  unified: boolean;
  target: ReviewTarget;
  /** Absent when the path reaches the instance directly (`…/unified/instances/{i}`). */
  definitionId?: string;
  instanceId?: string;
  decisionId?: string;
  /** The path after the version, for `@odata.context`. */
  context: string;
}

const VERSIONS = new Set(['beta', 'v1.0']);
const ROOT = ['identityGovernance', 'accessReviews'];

/**
 * Graph's access review paths (graph-api-reviews.md §1, §4) on both versions and both routes:
 * `definitions[/{d}[/instances[/{i}[/decisions[/{x}] | /batchApply…]]]]`, and on the unified route also
 * `instances/{i}[/decisions[/{x}] | /batchApply…]`. Undefined when the path is not under `…/accessReviews`.
 */
export function parseReviewPath(pathname: string): ReviewPath | undefined {
  const segments = decodeSegments(pathname);
  if (!segments || !VERSIONS.has(segments[0]!) || !ROOT.every((segment, index) => segments[index + 1] === segment)) return undefined;
  let rest = segments.slice(1 + ROOT.length);
  const unified = rest[0] === 'unified';
  if (unified) rest = rest.slice(1);
  const base = { version: segments[0]!, unified, context: segments.slice(1).join('/') };
  if (rest[0] === 'definitions') {
    const [, definitionId, instances, ...tail] = rest;
    if (definitionId === undefined) return { ...base, target: 'definitions' };
    if (instances === undefined) return { ...base, target: 'definition', definitionId };
    if (instances !== 'instances') return undefined;
    const under = underInstances(tail);
    return under && { ...base, ...under, definitionId };
  }
  if (unified && rest[0] === 'instances' && rest[1] !== undefined) {
    const under = underInstances(rest.slice(1));
    return under && { ...base, ...under };
  }
  return undefined;
}

/** Graph refuses a key that is not a GUID with 400 before looking anything up. */
export function assertReviewGuids(path: ReviewPath): void {
  const ids = [path.definitionId, path.instanceId, path.decisionId].filter((id) => id !== undefined);
  if (!ids.every(isGuid)) throw badRequest('Invalid id: every key in the path must be a GUID.');
}

function underInstances([instanceId, action, decisionId, ...more]: string[]): Pick<ReviewPath, 'target' | 'instanceId' | 'decisionId'> | undefined {
  if (more.length > 0) return undefined;
  if (instanceId === undefined) return { target: 'instances' };
  if (action === undefined) return { target: 'instance', instanceId };
  if (action === BATCH_APPLY) return decisionId === undefined ? { target: 'batchApply', instanceId } : undefined;
  if (action !== 'decisions') return undefined;
  return decisionId === undefined ? { target: 'decisions', instanceId } : { target: 'decision', instanceId, decisionId };
}
