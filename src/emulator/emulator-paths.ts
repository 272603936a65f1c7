import { isGuid } from '../graph/session-key';
import { badRequest } from './http-error';

/** What under `…/uploadSessions` a request names. */
export type SessionTarget =
  | { kind: 'collection' }
  | { kind: 'count' }
  | { kind: 'session'; sessionId: string }
  | { kind: 'files'; sessionId: string }
  | { kind: 'file'; sessionId: string; fileId: string }
  | { kind: 'uploadFile'; sessionId: string };

export interface SessionPath {
  /** The version segment as the request wrote it (`beta` or `v1.0`). */
  version: string;
  catalogId: string;
  resourceId: string;
  /** The path of the collection without the version, e.g. for `@odata.context`. */
  collection: string;
  target: SessionTarget;
}

/**
 * The one table of Graph's session paths (see graph-api.md): catalogs segment, resources segment.
 * Every version serves every shape, so a client pointed at `/v1.0` or `/beta` finds the same store.
 */
const VERSIONS = new Set(['beta', 'v1.0']);
const SHAPES: readonly (readonly [catalogs: readonly string[], resources: string])[] = [
  [['identityGovernance', 'entitlementManagement', 'accessPackageCatalogs'], 'accessPackageResources'],
  [['identityGovernance', 'catalogs'], 'accessPackageResources'],
  [['identityGovernance', 'entitlementManagement', 'catalogs'], 'resources'],
];

/** Reads a session path; undefined when the path is none of Graph's. Ids are decoded but not yet checked. */
export function parseSessionPath(pathname: string): SessionPath | undefined {
  const segments = decodeSegments(pathname);
  if (!segments || !VERSIONS.has(segments[0]!)) return undefined;
  for (const [catalogs, resources] of SHAPES) {
    const rest = segments.slice(1);
    if (!catalogs.every((segment, index) => rest[index] === segment)) continue;
    const [catalogId, resourcesSegment, resourceId, sessions, ...tail] = rest.slice(catalogs.length);
    if (!catalogId || resourcesSegment !== resources || !resourceId || sessions !== 'uploadSessions') continue;
    const target = toTarget(tail);
    if (!target) return undefined;
    const collection = [...catalogs, catalogId, resources, resourceId, 'uploadSessions'].join('/');
    return { version: segments[0]!, catalogId, resourceId, collection, target };
  }
  return undefined;
}

/** Graph refuses a key that is not a GUID with 400 before looking anything up. */
export function assertGuids(path: SessionPath): void {
  const { target } = path;
  const ids = [path.catalogId, path.resourceId];
  if ('sessionId' in target) ids.push(target.sessionId);
  if (target.kind === 'file') ids.push(target.fileId);
  if (!ids.every(isGuid)) throw badRequest('Invalid id: every key in the path must be a GUID.');
}

function toTarget(tail: string[]): SessionTarget | undefined {
  const [sessionId, action, fileId, ...more] = tail;
  if (more.length > 0) return undefined;
  if (sessionId === undefined) return { kind: 'collection' };
  if (sessionId === '$count') return action === undefined ? { kind: 'count' } : undefined;
  if (action === undefined) return { kind: 'session', sessionId };
  if (action === 'uploadFile') return fileId === undefined ? { kind: 'uploadFile', sessionId } : undefined;
  if (action !== 'files') return undefined;
  return fileId === undefined ? { kind: 'files', sessionId } : { kind: 'file', sessionId, fileId };
}

export function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}
