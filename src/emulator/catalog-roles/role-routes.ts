import type { IncomingMessage } from 'node:http';
import { isGuid } from '../../graph/odata/ids';
import { readJson, type RequestBody } from '../server/body-reader';
import type { GraphCaller } from '../server/graph-token-check';
import { badRequest, HttpError, methodNotAllowed } from '../server/http-error';
import type { Answer } from '../upload-sessions/session-handlers';
import type { Directory, StoredAssignment } from './directory';

export interface RoleRouteContext {
  directory: Directory;
  body: RequestBody;
  /** Checks the caller's token and that it holds one of these permissions; throws Graph's 401/403. */
  authenticate: (permissions: readonly string[]) => Promise<GraphCaller | undefined>;
  origin: string;
}

/** graph-api-tenants.md §3: least to most privileged, delegated and application alike (v1.0). */
export const ROLE_READ_PERMISSIONS = Object.freeze([
  'RoleManagement.Read.EntitlementManagement',
  'EntitlementManagement.Read.All',
  'RoleManagement.ReadWrite.EntitlementManagement',
  'EntitlementManagement.ReadWrite.All',
]);
/** checkMemberGroups (application): GroupMember.Read.All, Group.Read.All or Directory.Read.All (beside User.Read.All). */
export const MEMBERSHIP_PERMISSIONS = Object.freeze(['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All']);

const ASSIGNMENTS = /^\/(beta|v1\.0)\/roleManagement\/entitlementManagement\/roleAssignments$/;
const CHECK_MEMBER_GROUPS = /^\/(beta|v1\.0)\/(users|servicePrincipals|directoryObjects)\/([^/]+)\/checkMemberGroups$/;
const FILTER = /^(appScopeId|principalId) eq '([^']+)'$/;
const ODATA_TYPES = { user: '#microsoft.graph.user', group: '#microsoft.graph.group', servicePrincipal: '#microsoft.graph.servicePrincipal' } as const;

/** The role-assignment and group-membership reads; undefined when the path is neither. */
export function routeRoles(req: IncomingMessage, url: URL, context: RoleRouteContext, pageSize: number): Promise<Answer> | undefined {
  const assignments = ASSIGNMENTS.exec(url.pathname);
  if (assignments) return listAssignments(req, url, assignments[1]!, context, pageSize);
  const check = CHECK_MEMBER_GROUPS.exec(url.pathname);
  if (check) return checkMemberGroups(req, check[3]!, context);
  return undefined;
}

/**
 * `GET …/roleManagement/entitlementManagement/roleAssignments`: one `$filter` clause on `appScopeId` or
 * `principalId` (ASSUMPTION: combining them, which Graph does not document, is refused), `$expand=principal`,
 * `$top`, and nextLinks with a `$skiptoken`. beta documents no application permission: an app token is refused there.
 */
async function listAssignments(req: IncomingMessage, url: URL, version: string, { directory, authenticate, origin }: RoleRouteContext, pageSize: number): Promise<Answer> {
  if (req.method !== 'GET') throw methodNotAllowed();
  const caller = await authenticate(ROLE_READ_PERMISSIONS);
  if (version === 'beta' && caller?.kind === 'app') throw new HttpError(403, 'Authorization_RequestDenied', 'Application permissions are not supported for this API on beta.');
  const params = url.searchParams;
  for (const name of params.keys()) if (!['$filter', '$expand', '$top', '$skiptoken'].includes(name)) throw badRequest(`Query option '${name}' is not supported.`);
  const filterText = params.get('$filter');
  const clause = filterText === null ? undefined : FILTER.exec(filterText.trim());
  if (filterText !== null && !clause) throw badRequest('Invalid filter clause: one appScopeId or principalId eq clause is supported.');
  const expand = params.get('$expand');
  if (expand !== null && expand !== 'principal') throw badRequest(`Could not find a navigation property '${expand}'.`);
  const top = params.has('$top') ? Number(params.get('$top')) : pageSize;
  const skip = params.has('$skiptoken') ? Number(params.get('$skiptoken')) : 0;
  if (!Number.isInteger(top) || top < 1 || !Number.isInteger(skip) || skip < 0) throw badRequest('Invalid $top or $skiptoken.');
  const all = directory.list(clause ? { [clause[1]!]: clause[2]! } : {});
  const page = all.slice(skip, skip + Math.min(top, pageSize));
  const next = new URL(`${origin}${url.pathname}`);
  for (const [name, value] of params) if (name !== '$skiptoken') next.searchParams.set(name, value);
  next.searchParams.set('$skiptoken', String(skip + page.length));
  return {
    status: 200,
    body: {
      '@odata.context': `${origin}/${version}/$metadata#roleManagement/entitlementManagement/roleAssignments`,
      value: page.map((assignment) => assignmentJson(assignment, expand === 'principal')),
      ...(skip + page.length < all.length && { '@odata.nextLink': next.href }),
    },
  };
}

export function assignmentJson(assignment: StoredAssignment, expandPrincipal = false): Record<string, unknown> {
  const { id, principalId, roleDefinitionId, appScopeId, principalType } = assignment;
  return {
    id,
    principalId,
    roleDefinitionId,
    appScopeId,
    directoryScopeId: '/',
    ...(expandPrincipal && { principal: { '@odata.type': ODATA_TYPES[principalType], id: principalId } }),
  };
}

/**
 * `POST /users|servicePrincipals|directoryObjects/{id}/checkMemberGroups {"groupIds": [≤ 20]}`, transitive.
 * ASSUMPTION: an object id the emulator has never heard of is a principal in no group (Graph would answer 404).
 */
async function checkMemberGroups(req: IncomingMessage, principalId: string, { directory, body, authenticate }: RoleRouteContext): Promise<Answer> {
  if (req.method !== 'POST') throw methodNotAllowed();
  await authenticate(MEMBERSHIP_PERMISSIONS);
  if (!isGuid(principalId)) throw badRequest(`Invalid object identifier '${String(principalId).slice(0, 64)}'.`);
  const { groupIds } = (await readJson(req, body)) as { groupIds?: unknown };
  if (!Array.isArray(groupIds) || groupIds.length === 0 || groupIds.length > 20 || !groupIds.every(isGuid)) {
    throw badRequest('groupIds must be 1 to 20 GUIDs.');
  }
  return { status: 200, body: { '@odata.context': '$metadata#Collection(Edm.String)', value: directory.memberGroups(principalId, groupIds) } };
}
