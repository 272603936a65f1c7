import type { GraphPaths } from '../graph-paths';
import type { Guid } from '../odata/ids';
import { collection } from '../odata/json-readers';
import { GraphRequestError, isGraphStatus } from '../transport/graph-failure';
import { unreadable } from '../transport/graph-answer';
import type { GraphCall } from '../transport/graph-request';
import type { GraphTransport } from '../transport/graph-transport';
import { retryIdempotent } from '../transport/retry-policy';

/** The entitlement-management roles that let a caller act on a catalog (graph-api-tenants.md §3). */
export const CATALOG_ROLE_DEFINITIONS = Object.freeze({
  owner: 'ae79f266-94d4-4dab-b730-feca7e132178',
  reader: '44272f93-9762-48e8-af59-1b5351b1d6b3',
});
export type CatalogRole = keyof typeof CATALOG_ROLE_DEFINITIONS;

/** Who is asking: a user or an application's service principal, by its object id in the caller's tenant. */
export interface RolePrincipal {
  id: string;
  kind: 'user' | 'servicePrincipal';
}

/** The checks' own bound (contract): pages of a catalog's role assignments, and the groups one membership read asks about. */
export const MAX_ROLE_PAGES = 5;
/** checkMemberGroups takes at most 20 group ids: one read per catalog and caller. */
export const MAX_ROLE_GROUPS = 20;

const ROLE_READ_PERMISSION = 'RoleManagement.Read.EntitlementManagement (or EntitlementManagement.Read.All)';
const MEMBERSHIP_PERMISSION = 'GroupMember.Read.All and User.Read.All';
const GROUP = '#microsoft.graph.group';
const RANK: Record<CatalogRole, number> = { reader: 1, owner: 2 };

interface Assignment {
  principalId: string;
  role: CatalogRole;
  isGroup: boolean;
}

/**
 * Reads which catalog role a principal holds on a catalog, directly or through a group, with the identity
 * the call carries (the gateway's own, in the caller's tenant). Always on v1.0: beta documents no
 * application permission for entitlement-management role assignments.
 */
export class CatalogRoleClient {
  private readonly root: string;

  constructor(
    private readonly paths: GraphPaths,
    private readonly transport: GraphTransport,
  ) {
    this.root = paths.root.replace(/\/(beta|v1\.0)$/, '/v1.0');
  }

  /** The best role held (owner over reader), or undefined for none. Throws GraphRequestError; never guesses a grant. */
  async roleOf(principal: RolePrincipal, catalogId: Guid, call: GraphCall): Promise<CatalogRole | undefined> {
    const assignments = await this.assignments(catalogId, call);
    const id = principal.id.toLowerCase();
    const direct = best(assignments.filter((assignment) => assignment.principalId === id).map((assignment) => assignment.role));
    // Only groups that would give more than the principal holds directly are worth a membership read.
    const groups = assignments.filter((assignment) => assignment.isGroup && RANK[assignment.role] > (direct ? RANK[direct] : 0));
    const groupIds = [...new Set(groups.map((group) => group.principalId))];
    if (groupIds.length === 0) return direct;
    if (groupIds.length > MAX_ROLE_GROUPS) throw bounded('role groups', MAX_ROLE_GROUPS);
    const memberOf = new Set(await this.memberGroups(principal, groupIds, call));
    return best([...(direct ? [direct] : []), ...groups.filter((group) => memberOf.has(group.principalId)).map((group) => group.role)]);
  }

  /** `GET …/roleAssignments?$filter=appScopeId eq '/AccessPackageCatalog/{c}'&$expand=principal`, following nextLinks. */
  private async assignments(catalogId: Guid, call: GraphCall): Promise<Assignment[]> {
    const collectionPath = `${this.root}/roleManagement/entitlementManagement/roleAssignments`;
    const filter = encodeURIComponent(`appScopeId eq '/AccessPackageCatalog/${catalogId}'`);
    let path: string | undefined = `${collectionPath}?$filter=${filter}&$expand=principal`;
    const found: Assignment[] = [];
    for (let page = 0; path !== undefined; page++) {
      if (page === MAX_ROLE_PAGES) throw bounded('role assignment pages', MAX_ROLE_PAGES);
      const answer = await this.transport.send({ method: 'GET', path, retryable: retryIdempotent, subject: 'catalog role assignments', permission: ROLE_READ_PERMISSION }, call);
      let value: unknown[];
      let nextLink: string | undefined;
      try {
        ({ value, nextLink } = collection(answer.json));
      } catch {
        throw unreadable(answer, 'the role assignments are not a collection');
      }
      for (const json of value) {
        const assignment = toAssignment(json);
        if (assignment === null) throw unreadable(answer, 'a role assignment without principalId or roleDefinitionId');
        if (assignment !== undefined) found.push(assignment);
      }
      path = nextLink === undefined ? undefined : this.paths.nextLinkPath(nextLink, collectionPath);
      if (nextLink !== undefined && path === undefined) throw unreadable(answer, 'the role assignments nextLink leaves the collection');
    }
    return found;
  }

  /** `POST /users|servicePrincipals/{id}/checkMemberGroups`: transitive. A principal Graph does not know is in no group. */
  private async memberGroups(principal: RolePrincipal, groupIds: string[], call: GraphCall): Promise<string[]> {
    const collection = principal.kind === 'user' ? 'users' : 'servicePrincipals';
    const path = `${this.root}/${collection}/${encodeURIComponent(principal.id)}/checkMemberGroups`;
    try {
      // A POST that only reads: sending it again changes nothing.
      const answer = await this.transport.send({ method: 'POST', path, json: JSON.stringify({ groupIds }), retryable: retryIdempotent, subject: 'group membership', permission: MEMBERSHIP_PERMISSION }, call);
      const value = (answer.json as { value?: unknown } | undefined)?.value;
      if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) throw unreadable(answer, 'checkMemberGroups answered no list of ids');
      return value.map((id: string) => id.toLowerCase());
    } catch (error) {
      if (isGraphStatus(error, 404)) return [];
      throw error;
    }
  }
}

/** One assignment of a catalog role; undefined for another role; null when it cannot be read. */
function toAssignment(json: unknown): Assignment | undefined | null {
  const { principalId, roleDefinitionId, principal } = (json ?? {}) as { principalId?: unknown; roleDefinitionId?: unknown; principal?: { '@odata.type'?: unknown } };
  if (typeof principalId !== 'string' || typeof roleDefinitionId !== 'string') return null;
  const role = (Object.keys(CATALOG_ROLE_DEFINITIONS) as CatalogRole[]).find((name) => CATALOG_ROLE_DEFINITIONS[name] === roleDefinitionId.toLowerCase());
  return role && { principalId: principalId.toLowerCase(), role, isGroup: principal?.['@odata.type'] === GROUP };
}

function best(roles: CatalogRole[]): CatalogRole | undefined {
  return roles.reduce<CatalogRole | undefined>((held, role) => (held === undefined || RANK[role] > RANK[held] ? role : held), undefined);
}

function bounded(what: 'role assignment pages' | 'role groups', limit: number): GraphRequestError {
  return new GraphRequestError({ kind: 'unreadable', message: `more than ${limit} ${what}`, bound: { what, limit }, mayHaveLanded: false });
}
