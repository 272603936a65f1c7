import { CatalogAuthorizer, CatalogRoleRefusedError, type CatalogRole } from '../../src/auth/catalog-authorization';
import type { CallerIdentity } from '../../src/auth/caller-authentication';

const CATALOG = '73eb2497-3b88-4c0a-8bb3-68ba8162beff';
const alice: CallerIdentity = { oid: 'a11ce000-0000-4000-8000-000000000001', sub: undefined, tid: 'tenant-a', appId: 'spa', principal: 'user' };

/** A role reader answering from a table keyed `tid/oid/catalog`, counting its reads. */
function reader(roles: Record<string, CatalogRole | Error>) {
  const reads: string[] = [];
  const read = async (caller: CallerIdentity & { oid: string }, catalogId: string) => {
    const key = `${caller.tid}/${caller.oid}/${catalogId}`;
    reads.push(key);
    const role = roles[key];
    if (role instanceof Error) throw role;
    return role;
  };
  return { read, reads };
}

describe('the catalog authorization cache', () => {
  it('keeps a grant and a refusal alike for the TTL, per tenant, caller and catalog', async () => {
    const { read, reads } = reader({ [`tenant-a/${alice.oid}/${CATALOG}`]: 'reader' });
    const authorizer = new CatalogAuthorizer(read, 60_000);
    await authorizer.authorize(alice, CATALOG, 'reader', undefined);
    await expect(authorizer.authorize(alice, CATALOG.toUpperCase(), 'owner', undefined)).rejects.toEqual(new CatalogRoleRefusedError(CATALOG.toUpperCase(), 'owner'));
    expect(reads).toHaveLength(1);
    // Another tenant's caller with the same oid, and another catalog, are asked for on their own.
    await expect(authorizer.authorize({ ...alice, tid: 'tenant-b' }, CATALOG, 'reader', undefined)).rejects.toBeInstanceOf(CatalogRoleRefusedError);
    await expect(authorizer.authorize(alice, 'c2000000-3b88-4c0a-8bb3-68ba8162beff', 'reader', undefined)).rejects.toBeInstanceOf(CatalogRoleRefusedError);
    expect(reads).toHaveLength(3);
  });

  it('asks every time with a TTL of 0', async () => {
    const { read, reads } = reader({ [`tenant-a/${alice.oid}/${CATALOG}`]: 'owner' });
    const authorizer = new CatalogAuthorizer(read, 0);
    await authorizer.authorize(alice, CATALOG, 'owner', undefined);
    await authorizer.authorize(alice, CATALOG, 'owner', undefined);
    expect(reads).toHaveLength(2);
  });

  it('never keeps a failure, and a failure never grants', async () => {
    const roles: Record<string, CatalogRole | Error> = { [`tenant-a/${alice.oid}/${CATALOG}`]: new Error('Graph answered 503') };
    const { read, reads } = reader(roles);
    const authorizer = new CatalogAuthorizer(read, 60_000);
    await expect(authorizer.authorize(alice, CATALOG, 'reader', undefined)).rejects.toThrow('Graph answered 503');
    roles[`tenant-a/${alice.oid}/${CATALOG}`] = 'owner';
    await authorizer.authorize(alice, CATALOG, 'owner', undefined);
    expect(reads).toHaveLength(2);
  });

  it('an owner may read and write; a reader only read; a caller without an oid holds nothing', async () => {
    const { read, reads } = reader({ [`tenant-a/${alice.oid}/${CATALOG}`]: 'owner' });
    const authorizer = new CatalogAuthorizer(read, 60_000);
    await authorizer.authorize(alice, CATALOG, 'reader', undefined);
    await authorizer.authorize(alice, CATALOG, 'owner', undefined);
    await expect(authorizer.authorize({ ...alice, oid: undefined, sub: 'x' }, CATALOG, 'reader', undefined)).rejects.toBeInstanceOf(CatalogRoleRefusedError);
    expect(reads).toHaveLength(1);
  });
});
