import type { IncomingMessage } from 'node:http';
import { isGuid } from '../../graph/odata/ids';
import { assignmentJson } from '../catalog-roles/role-routes';
import { ROLE_DEFINITIONS, type Directory, type PrincipalType, type RoleName } from '../catalog-roles/directory';
import { readJson, type RequestBody } from '../server/body-reader';
import { badRequest, HttpError } from '../server/http-error';
import type { Answer } from '../upload-sessions/session-handlers';

const PRINCIPAL_TYPES: readonly PrincipalType[] = ['user', 'group', 'servicePrincipal'];

/**
 * The control API's catalog-role part, so a test or a demo can play the catalog's admin: grant and revoke
 * Catalog owner and Catalog reader, and put principals in groups (Graph's admin center, in effect).
 * Undefined when the path is not one of its.
 */
export function roleControl(req: IncomingMessage, url: URL, body: RequestBody, directory: Directory): Promise<Answer> | undefined {
  const what = `${req.method} ${url.pathname}`;
  if (what === 'GET /_emulator/roles') {
    const catalogId = url.searchParams.get('catalogId');
    const assignments = directory.list(catalogId === null ? {} : { appScopeId: `/AccessPackageCatalog/${catalogId}` });
    return answer(200, { value: assignments.map((assignment) => ({ ...assignmentJson(assignment), principalType: assignment.principalType })) });
  }
  if (what === 'POST /_emulator/roles') return readJson(req, body).then((json) => grant(directory, json));
  const revoked = /^DELETE \/_emulator\/roles\/([\w-]+)$/.exec(what)?.[1];
  if (revoked !== undefined) {
    if (!directory.revoke(revoked)) return Promise.reject(new HttpError(404, 'ResourceNotFound', `No role assignment ${revoked}.`));
    return answer(204);
  }
  const [, groupId, memberId] = /^\/_emulator\/groups\/([^/]+)\/members(?:\/([^/]+))?$/.exec(url.pathname) ?? [];
  if (groupId === undefined) return undefined;
  if (!isGuid(groupId) || (memberId !== undefined && !isGuid(memberId))) return Promise.reject(badRequest('Group and member ids must be GUIDs.'));
  if (req.method === 'POST' && memberId === undefined) {
    return readJson(req, body).then((json) => {
      if (!isGuid(json.memberId)) throw badRequest('memberId must be a GUID.');
      directory.addMember(groupId, json.memberId);
      return { status: 201, body: { groupId, memberId: json.memberId } };
    });
  }
  if (req.method === 'DELETE' && memberId !== undefined) {
    if (!directory.removeMember(groupId, memberId)) return Promise.reject(new HttpError(404, 'ResourceNotFound', `${memberId} is not a direct member of ${groupId}.`));
    return answer(204);
  }
  return undefined;
}

/** `POST /_emulator/roles {catalogId, principalId, role: owner|reader, principalType?: user|group|servicePrincipal}`. */
function grant(directory: Directory, json: Record<string, unknown>): Answer {
  const { catalogId, principalId, role, principalType = 'user' } = json;
  if (!isGuid(catalogId) || !isGuid(principalId)) throw badRequest('catalogId and principalId must be GUIDs.');
  if (typeof role !== 'string' || !(role in ROLE_DEFINITIONS)) throw badRequest(`role must be one of ${Object.keys(ROLE_DEFINITIONS).join(', ')}.`);
  if (!PRINCIPAL_TYPES.includes(principalType as PrincipalType)) throw badRequest(`principalType must be one of ${PRINCIPAL_TYPES.join(', ')}.`);
  const assignment = directory.grant(catalogId, principalId, principalType as PrincipalType, role as RoleName);
  return { status: 201, body: { ...assignmentJson(assignment), principalType } };
}

function answer(status: number, body?: unknown): Promise<Answer> {
  return Promise.resolve({ status, body });
}
