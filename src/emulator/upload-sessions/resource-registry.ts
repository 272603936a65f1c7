/** Where a resource was found, or why it was not. */
export type ResolveOutcome =
  | { kind: 'found'; catalogId: string; resourceId: string }
  | { kind: 'catalog-not-found' | 'resource-not-found' };

/**
 * The catalogs and custom data provided resources the emulator knows (the seed's, those added through the
 * control API). Graph answers 404 for a catalog or resource that does not exist, and a resource belongs to
 * one catalog, so a path naming it under another catalog names nothing.
 */
export class ResourceRegistry {
  private readonly catalogs = new Set<string>();
  /** resource id (lower case) → its catalog id as registered. */
  private readonly resources = new Map<string, { catalogId: string; resourceId: string }>();

  /** Registers a resource in a catalog; false when the resource is already in another catalog. */
  add(catalogId: string, resourceId: string): boolean {
    const known = this.resources.get(resourceId.toLowerCase());
    if (known) return known.catalogId.toLowerCase() === catalogId.toLowerCase();
    this.catalogs.add(catalogId.toLowerCase());
    this.resources.set(resourceId.toLowerCase(), { catalogId, resourceId });
    return true;
  }

  /** The resource a path names: with its catalog (checked), or alone (its catalog looked up). */
  resolve(catalogId: string | undefined, resourceId: string): ResolveOutcome {
    if (catalogId !== undefined && !this.catalogs.has(catalogId.toLowerCase())) return { kind: 'catalog-not-found' };
    const known = this.resources.get(resourceId.toLowerCase());
    if (!known || (catalogId !== undefined && known.catalogId.toLowerCase() !== catalogId.toLowerCase())) return { kind: 'resource-not-found' };
    return { kind: 'found', ...known };
  }

  list(): { catalogId: string; resourceId: string }[] {
    return [...this.resources.values()].map((resource) => ({ ...resource }));
  }
}
