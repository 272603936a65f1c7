import type { ResourceKey, SessionKey } from './odata/ids';
import { PAGING_PARAMS } from './odata/paging';

export type GraphVersion = 'beta' | 'v1.0';

/**
 * The sessions collection of a resource, per Graph version (graph-api.md, "Paths"). beta keeps the
 * seed's shape, the one the seed page documents; v1.0 has only `catalogs/{c}/resources/{r}`.
 */
const COLLECTIONS: Record<GraphVersion, (catalogId: string, resourceId: string) => string> = {
  beta: (c, r) => `/identityGovernance/entitlementManagement/accessPackageCatalogs/${c}/accessPackageResources/${r}/uploadSessions`,
  'v1.0': (c, r) => `/identityGovernance/entitlementManagement/catalogs/${c}/resources/${r}/uploadSessions`,
};

/** The version a Graph base URL names in its last path segment; anything else is a configuration error. */
export function graphVersion(baseUrl: URL): GraphVersion {
  const last = baseUrl.pathname.replace(/\/+$/, '').split('/').pop();
  if (last === 'beta' || last === 'v1.0') return last;
  throw new Error(`The Graph base URL must end in /beta or /v1.0, got "${baseUrl.pathname}"`);
}

/** A collection path relative to the version root. The ids are GUIDs (session-key.ts): nothing in them needs encoding. */
export function collectionPath({ catalogId, resourceId }: ResourceKey, version: GraphVersion = 'beta'): string {
  return COLLECTIONS[version](catalogId, resourceId);
}

/** A session path relative to the version root (the seed's beta shape unless told otherwise). */
export function sessionPath(key: SessionKey, version: GraphVersion = 'beta'): string {
  return `${collectionPath(key, version)}/${key.uploadSessionId}`;
}

/** Every path this client sends, absolute from the base URL's origin (a proxy prefix before the version is kept). */
export class GraphPaths {
  readonly version: GraphVersion;
  readonly origin: string;
  /** The base URL's path up to and including the version segment. */
  readonly root: string;

  constructor(baseUrl: URL) {
    this.version = graphVersion(baseUrl);
    this.origin = baseUrl.origin;
    this.root = baseUrl.pathname.replace(/\/+$/, '');
  }

  sessions(resource: ResourceKey): string {
    return this.root + collectionPath(resource, this.version);
  }

  session(key: SessionKey): string {
    return this.root + sessionPath(key, this.version);
  }

  files(key: SessionKey): string {
    return `${this.session(key)}/files`;
  }

  uploadFile(key: SessionKey): string {
    return `${this.session(key)}/uploadFile`;
  }

  /**
   * A Graph `@odata.nextLink` as a path to send, only when it points at `expectedPath` on Graph's own
   * origin: the link comes back from a caller (in a cursor), so it must never choose a host or a resource.
   */
  nextLinkPath(link: string, expectedPath: string): string | undefined {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      return undefined;
    }
    if (url.origin !== this.origin || url.pathname !== expectedPath || url.username || url.password || url.hash) return undefined;
    return url.pathname + url.search;
  }

  /**
   * A nextLink is followed only on Graph's origin and this collection's path, with no query parameter
   * beyond paging's and, if it names a `$filter`, only the one this request's filter makes.
   */
  pagingLinkPath(link: string, collectionPath: string, odataFilter: string | undefined): string | undefined {
    const path = this.nextLinkPath(link, collectionPath);
    if (path === undefined) return undefined;
    const params = new URL(path, this.origin).searchParams;
    for (const [name, value] of params) {
      if (!PAGING_PARAMS.has(name)) return undefined;
      if (name === '$filter' && value !== odataFilter) return undefined;
    }
    return path;
  }
}
