import { isGuid } from '../../graph/odata/ids';
import { type HttpError, badRequest, echo } from '../server/http-error';

/** What under `…/uploadSessions` a request names. */
export type SessionTarget =
  | { kind: 'collection' }
  | { kind: 'count' }
  | { kind: 'session'; sessionId: string }
  | { kind: 'files'; sessionId: string }
  | { kind: 'filesCount'; sessionId: string }
  | { kind: 'file'; sessionId: string; fileId: string }
  | { kind: 'fileContent'; sessionId: string; fileId: string }
  | { kind: 'uploadFile'; sessionId: string };

export interface SessionPath {
  /** The version segment as the request wrote it (`beta` or `v1.0`). */
  version: string;
  /** Undefined on the shapes without a catalog: the resource's own catalog is looked up. */
  catalogId: string | undefined;
  resourceId: string;
  /** The path of the collection without the version, e.g. for `@odata.context`. */
  collection: string;
  target: SessionTarget;
}

/** Either the session path a request names, or the first segment Graph would not find. */
export type ParsedPath = { path: SessionPath } | { unknownSegment: string };

/**
 * The one table of Graph's session paths, per version: exactly the shapes Microsoft's generated SDKs
 * build from each version's metadata (graph-api.md, "Paths"). A shape of one version sent to the other
 * is refused with 400, as Graph refuses it. `{c}` is the catalog id, `{r}` the resource id.
 */
const SHAPES: Readonly<Record<string, readonly string[]>> = {
  beta: [
    'identityGovernance/entitlementManagement/accessPackageCatalogs/{c}/accessPackageResources/{r}/uploadSessions',
    'identityGovernance/catalogs/{c}/accessPackageResources/{r}/uploadSessions',
    'identityGovernance/entitlementManagement/accessPackageResources/{r}/uploadSessions',
  ],
  'v1.0': [
    'identityGovernance/entitlementManagement/catalogs/{c}/resources/{r}/uploadSessions',
    'identityGovernance/catalogs/{c}/resources/{r}/uploadSessions',
    'identityGovernance/entitlementManagement/resources/{r}/uploadSessions',
  ],
};

/** Every path shape the emulator serves, per version (for documentation and tests). */
export const SESSION_SHAPES = SHAPES;

/** Reads a session path; ids are decoded but not yet checked. */
export function parseSessionPath(pathname: string): ParsedPath {
  const segments = decodeSegments(pathname);
  if (!segments) return { unknownSegment: pathname };
  const [version = '', ...rest] = segments;
  const shapes = SHAPES[version];
  if (!shapes) return { unknownSegment: version };
  let deepest = 0;
  for (const shape of shapes) {
    const pattern = shape.split('/');
    const ids: Record<string, string> = {};
    const matched = matchedLength(pattern, rest, ids);
    if (matched < pattern.length) {
      deepest = Math.max(deepest, matched);
      continue;
    }
    const tail = rest.slice(pattern.length);
    const target = toTarget(tail);
    if ('unknownAt' in target) return { unknownSegment: tail[target.unknownAt]! };
    const collection = pattern.map((segment) => (segment === '{c}' ? ids.c : segment === '{r}' ? ids.r : segment)).join('/');
    return { path: { version, catalogId: ids.c, resourceId: ids.r!, collection, target } };
  }
  return { unknownSegment: rest[deepest] ?? '' };
}

/** Graph's refusal of a path it has no resource for, naming (a prefix of) the segment. */
export function unknownSegment(segment: string): HttpError {
  return badRequest(`Resource not found for the segment '${echo(segment)}'.`);
}

/** Graph refuses a key that is not a GUID with 400 before looking anything up. */
export function assertGuids(path: SessionPath): void {
  const { target } = path;
  const ids = [path.resourceId];
  if (path.catalogId !== undefined) ids.push(path.catalogId);
  if ('sessionId' in target) ids.push(target.sessionId);
  if ('fileId' in target) ids.push(target.fileId);
  if (!ids.every(isGuid)) throw badRequest('Invalid id: every key in the path must be a GUID.');
}

/** How many segments of a shape the path follows; collects the ids on the way. */
function matchedLength(pattern: string[], segments: string[], ids: Record<string, string>): number {
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index]!;
    const segment = segments[index];
    if (segment === undefined || segment === '') return index;
    if (expected === '{c}' || expected === '{r}') ids[expected.slice(1, 2)] = segment;
    else if (segment !== expected) return index;
  }
  return pattern.length;
}

function toTarget(tail: string[]): SessionTarget | { unknownAt: number } {
  const [sessionId, action, fileId, value, ...more] = tail;
  if (sessionId === undefined) return { kind: 'collection' };
  if (sessionId === '$count') return action === undefined ? { kind: 'count' } : { unknownAt: 1 };
  if (action === undefined) return { kind: 'session', sessionId };
  if (action === 'uploadFile') return fileId === undefined ? { kind: 'uploadFile', sessionId } : { unknownAt: 2 };
  if (action !== 'files') return { unknownAt: 1 };
  if (fileId === undefined) return { kind: 'files', sessionId };
  if (fileId === '$count') return value === undefined ? { kind: 'filesCount', sessionId } : { unknownAt: 3 };
  if (value === undefined) return { kind: 'file', sessionId, fileId };
  if (value !== '$value') return { unknownAt: 3 };
  return more.length === 0 ? { kind: 'fileContent', sessionId, fileId } : { unknownAt: 4 };
}

export function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}
