import { randomUUID } from 'node:crypto';
import { EMULATOR_SEED_SESSION } from '../../config/emulator';

/** Entitlement management's catalog role definitions (graph-api-tenants.md §3). */
export const ROLE_DEFINITIONS = Object.freeze({
  owner: 'ae79f266-94d4-4dab-b730-feca7e132178',
  reader: '44272f93-9762-48e8-af59-1b5351b1d6b3',
});
export type RoleName = keyof typeof ROLE_DEFINITIONS;
export type PrincipalType = 'user' | 'group' | 'servicePrincipal';

export interface StoredAssignment {
  id: string;
  principalId: string;
  principalType: PrincipalType;
  roleDefinitionId: string;
  appScopeId: string;
}

/**
 * The users every world is seeded with, for trying catalog roles by hand: an owner and a reader of the seed
 * catalog, and a stranger holding nothing (docs/emulator.md).
 */
export const SEED_USERS = Object.freeze({
  owner: 'a0000000-0000-4000-8000-00000000000a',
  reader: 'b0000000-0000-4000-8000-00000000000b',
  stranger: 'c0000000-0000-4000-8000-00000000000c',
});

/** One tenant's catalog role assignments and group memberships: what the gateway's role check reads. */
export class Directory {
  private readonly assignments: StoredAssignment[] = [];
  /** Group id → its direct members (users, service principals, groups). */
  private readonly members = new Map<string, Set<string>>();

  seed(): void {
    this.grant(EMULATOR_SEED_SESSION.catalogId, SEED_USERS.owner, 'user', 'owner');
    this.grant(EMULATOR_SEED_SESSION.catalogId, SEED_USERS.reader, 'user', 'reader');
  }

  grant(catalogId: string, principalId: string, principalType: PrincipalType, role: RoleName): StoredAssignment {
    const assignment = {
      id: randomUUID(),
      principalId: principalId.toLowerCase(),
      principalType,
      roleDefinitionId: ROLE_DEFINITIONS[role],
      appScopeId: `/AccessPackageCatalog/${catalogId.toLowerCase()}`,
    };
    this.assignments.push(assignment);
    return assignment;
  }

  revoke(assignmentId: string): boolean {
    const index = this.assignments.findIndex((assignment) => assignment.id === assignmentId.toLowerCase());
    if (index >= 0) this.assignments.splice(index, 1);
    return index >= 0;
  }

  list(filter: { appScopeId?: string; principalId?: string } = {}): StoredAssignment[] {
    return this.assignments.filter(
      (assignment) =>
        (filter.appScopeId === undefined || assignment.appScopeId.toLowerCase() === filter.appScopeId.toLowerCase()) &&
        (filter.principalId === undefined || assignment.principalId === filter.principalId.toLowerCase()),
    );
  }

  addMember(groupId: string, memberId: string): void {
    const group = groupId.toLowerCase();
    this.members.set(group, (this.members.get(group) ?? new Set()).add(memberId.toLowerCase()));
  }

  removeMember(groupId: string, memberId: string): boolean {
    return this.members.get(groupId.toLowerCase())?.delete(memberId.toLowerCase()) ?? false;
  }

  /** checkMemberGroups: which of `groupIds` the principal is in, directly or through groups in groups. */
  memberGroups(principalId: string, groupIds: readonly string[]): string[] {
    return groupIds.filter((groupId) => this.isMember(principalId.toLowerCase(), groupId.toLowerCase(), new Set()));
  }

  private isMember(principalId: string, groupId: string, seen: Set<string>): boolean {
    if (seen.has(groupId)) return false;
    seen.add(groupId);
    const direct = this.members.get(groupId);
    if (!direct) return false;
    if (direct.has(principalId)) return true;
    return [...direct].some((member) => this.members.has(member) && this.isMember(principalId, member, seen));
  }
}
