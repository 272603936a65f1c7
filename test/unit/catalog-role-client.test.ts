import { CATALOG_ROLE_DEFINITIONS } from '../../src/graph/catalog-roles/catalog-role-client';
import type { Guid } from '../../src/graph/odata/ids';
import { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { fakeCall, FakeGraph, type FakeRequest } from '../support/fake-graph';

const CATALOG = '73eb2497-3b88-4c0a-8bb3-68ba8162beff' as Guid;
const USER = 'a11ce000-0000-4000-8000-000000000001';
const ROLES = '/v1.0/roleManagement/entitlementManagement/roleAssignments';
const assignment = (principalId: string, role: 'owner' | 'reader', type = 'user') => ({
  id: `${principalId}-${role}`,
  principalId,
  roleDefinitionId: CATALOG_ROLE_DEFINITIONS[role],
  appScopeId: `/AccessPackageCatalog/${CATALOG}`,
  principal: { '@odata.type': `#microsoft.graph.${type}`, id: principalId },
});
const group = (n: number) => `9${String(n).padStart(7, '0')}-0000-4000-8000-000000000000`;

function graphWith(pages: unknown[][], memberOf: (request: FakeRequest) => unknown = () => ({ value: [] })) {
  return new FakeGraph((request) => {
    if (request.url.pathname.endsWith('/checkMemberGroups')) return { status: 200, body: memberOf(request) };
    const page = Number(request.url.searchParams.get('$skiptoken') ?? 0);
    const nextLink = page + 1 < pages.length ? `https://graph.test${ROLES}?$skiptoken=${page + 1}` : undefined;
    return { status: 200, body: { value: pages[page], ...(nextLink && { '@odata.nextLink': nextLink }) } };
  });
}

describe('reading a caller’s catalog role', () => {
  it('reads v1.0 whatever version the sessions use, by appScopeId with the principal expanded', async () => {
    const graph = graphWith([[assignment(USER, 'reader')]]);
    expect(await graph.client('beta').catalogRoles.roleOf({ id: USER.toUpperCase(), kind: 'user' }, CATALOG, fakeCall())).toBe('reader');
    expect(graph.lines()).toEqual([`GET ${ROLES}?$filter=appScopeId eq '/AccessPackageCatalog/${CATALOG}'&$expand=principal`]);
  });

  it('follows nextLinks, up to 5 pages; past them fails UPSTREAM_ERROR-worthy, saying the bound', async () => {
    const pages = [[], [], [], [], [assignment(USER, 'owner')]];
    expect(await graphWith(pages).client('v1.0').catalogRoles.roleOf({ id: USER, kind: 'user' }, CATALOG, fakeCall())).toBe('owner');
    const error = await graphWith([...pages, []]).client('v1.0').catalogRoles.roleOf({ id: USER, kind: 'user' }, CATALOG, fakeCall()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as GraphRequestError).failure).toMatchObject({ kind: 'unreadable', bound: { what: 'role assignment pages', limit: 5 } });
  });

  it('asks checkMemberGroups once, only about groups that would give more, as a service principal for an app caller', async () => {
    const pages = [[assignment(USER, 'reader'), assignment(group(1), 'reader', 'group'), assignment(group(2), 'owner', 'group')]];
    const graph = graphWith(pages, () => ({ value: [group(2)] }));
    expect(await graph.client('beta').catalogRoles.roleOf({ id: USER, kind: 'servicePrincipal' }, CATALOG, fakeCall())).toBe('owner');
    const check = graph.seen.find((request) => request.method === 'POST')!;
    expect([check.url.pathname, check.json]).toEqual([`/v1.0/servicePrincipals/${USER}/checkMemberGroups`, { groupIds: [group(2)] }]);
  });

  it('holds nothing: no assignment, a group it is not in, an unknown principal (404), another role', async () => {
    const pages = [[assignment(group(1), 'owner', 'group'), { ...assignment(USER, 'owner'), roleDefinitionId: '7f480852-ebdc-47d4-87de-0d8498384a83' }]];
    expect(await graphWith(pages).client('v1.0').catalogRoles.roleOf({ id: USER, kind: 'user' }, CATALOG, fakeCall())).toBeUndefined();
    const unknown = new FakeGraph((request) => (request.method === 'POST' ? { status: 404, body: { error: { code: 'Request_ResourceNotFound' } } } : { status: 200, body: { value: pages[0] } }));
    expect(await unknown.client('v1.0').catalogRoles.roleOf({ id: USER, kind: 'user' }, CATALOG, fakeCall())).toBeUndefined();
  });

  it('more than 20 groups would need a second membership read: refused, saying why', async () => {
    const groups = Array.from({ length: 21 }, (_, n) => assignment(group(n), 'owner', 'group'));
    const error = await graphWith([groups]).client('v1.0').catalogRoles.roleOf({ id: USER, kind: 'user' }, CATALOG, fakeCall()).catch((e: unknown) => e);
    expect((error as GraphRequestError).failure.bound).toEqual({ what: 'role groups', limit: 20 });
  });

  it('an assignment it cannot read is a failure, never a grant', async () => {
    const error = await graphWith([[{ principalId: USER }]]).client('v1.0').catalogRoles.roleOf({ id: USER, kind: 'user' }, CATALOG, fakeCall()).catch((e: unknown) => e);
    expect((error as GraphRequestError).failure.kind).toBe('unreadable');
  });
});
