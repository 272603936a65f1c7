import { LRUCache } from 'lru-cache';
import type { CallerIdentity } from './caller-authentication';
import { keyHash } from './token-claims';

/** The entitlement-management catalog roles the gateway honours: Catalog owner (writes and reads), Catalog reader (reads). */
export type CatalogRole = 'owner' | 'reader';

/** Reads the best catalog role the caller holds on one catalog (undefined: none); `call` is whatever the reader needs. */
export type CatalogRoleReader<Call> = (caller: CallerIdentity & { oid: string }, catalogId: string, call: Call) => Promise<CatalogRole | undefined>;

/** The caller lacks the catalog role an operation needs: facts for the GraphQL layer to word as FORBIDDEN. */
export class CatalogRoleRefusedError extends Error {
  constructor(
    readonly catalogId: string,
    readonly needed: CatalogRole,
  ) {
    super(`caller lacks the catalog ${needed} role on ${catalogId}`);
    this.name = 'CatalogRoleRefusedError';
  }
}

/** Enough for the callers and catalogs one gateway serves within a TTL; the least recently used go first. */
const MAX_ENTRIES = 10_000;

/**
 * Whether a caller may act on a catalog (contract, "Many tenants, many owners"): its role is read once per
 * tenant, caller and catalog and kept `ttlMs` (0: read every time), a grant and a refusal alike. A failed
 * read is thrown and never kept: a failure never grants, and the next request asks again.
 */
export class CatalogAuthorizer<Call> {
  private readonly cache: LRUCache<string, { role: CatalogRole | undefined }> | undefined;

  constructor(
    private readonly read: CatalogRoleReader<Call>,
    ttlMs: number,
  ) {
    this.cache = ttlMs > 0 ? new LRUCache({ max: MAX_ENTRIES, ttl: ttlMs }) : undefined;
  }

  /** Throws CatalogRoleRefusedError when the caller lacks `needed`, or the reader's failure. */
  async authorize(caller: CallerIdentity, catalogId: string, needed: CatalogRole, call: Call): Promise<void> {
    if (!allows(await this.roleOf(caller, catalogId, call), needed)) throw new CatalogRoleRefusedError(catalogId, needed);
  }

  private async roleOf(caller: CallerIdentity, catalogId: string, call: Call): Promise<CatalogRole | undefined> {
    // Without an object id no assignment can name the caller: it holds no role.
    if (caller.oid === undefined) return undefined;
    // The tenant is part of the key: `oid`s are per tenant, and one tenant's answer never serves another.
    const key = keyHash('catalog-role', caller.tid ?? '', caller.oid.toLowerCase(), catalogId.toLowerCase());
    const kept = this.cache?.get(key);
    if (kept) return kept.role;
    const role = await this.read({ ...caller, oid: caller.oid }, catalogId, call);
    this.cache?.set(key, { role });
    return role;
  }
}

export function allows(role: CatalogRole | undefined, needed: CatalogRole): boolean {
  return needed === 'owner' ? role === 'owner' : role !== undefined;
}
