import type { AuthConfig } from './auth';
import type { GraphConfig } from './graph';
import { ConfigError, integer, oneOf, text, type Env } from './read';

/** CATALOG_AUTHORIZATION and its cache (contract, "Many tenants, many owners"). */
export interface CatalogAuthorizationConfig {
  /** `graph`: a caller acts only on catalogs it holds a catalog role on; `off`: any authenticated caller on any catalog. */
  readonly mode: 'graph' | 'off';
  /** CATALOG_AUTHORIZATION_TTL_S in ms: how long one caller's answer for one catalog is reused (0: asked every time). */
  readonly ttlMs: number;
}

/**
 * `graph` is the default in `app` mode with caller authentication, the one mode in which the gateway's own
 * identity (which can reach every catalog it owns) acts for callers. With AUTH_DISABLED there is no caller to
 * check, so the default is `off` there, and asking for `graph` is refused. `passthrough` and `obo` call Graph
 * as the caller, whose own roles Graph checks; the emulator takes `graph` for development and tests.
 */
export function readCatalogAuthorizationConfig(env: Env, graph: GraphConfig, auth: AuthConfig): CatalogAuthorizationConfig {
  const fallback = graph.auth === 'app' && auth.callers ? 'graph' : 'off';
  const mode = oneOf(env, 'CATALOG_AUTHORIZATION', ['graph', 'off'] as const, fallback);
  const ttlMs = integer(env, 'CATALOG_AUTHORIZATION_TTL_S', 60, 0, 86_400) * 1000;
  if (mode === 'off') return { mode, ttlMs };
  if (auth.disabled) throw new ConfigError('CATALOG_AUTHORIZATION', 'is graph but AUTH_DISABLED=true: there is no caller whose catalog roles could be checked');
  if (graph.auth === 'passthrough' || graph.auth === 'obo') {
    throw new ConfigError('CATALOG_AUTHORIZATION', `cannot be graph with GRAPH_AUTH=${graph.auth}: Graph checks the caller's own roles there`);
  }
  if (!auth.callers) throw new ConfigError('CATALOG_AUTHORIZATION', 'is graph but callers are not authenticated: set AUTH_ISSUER and AUTH_AUDIENCE');
  return { mode, ttlMs };
}

/**
 * The tenants Graph tokens are asked in are AUTH_TENANTS and the home AZURE_TENANT_ID. A managed identity
 * cannot ask another tenant, and AZURE_IDENTITY_DISABLE_MULTITENANTAUTH makes @azure/identity ignore the
 * tenant asked for (silently: every caller would get the home tenant's data), so either is refused.
 */
export function checkGraphTenants(env: Env, graph: GraphConfig, auth: AuthConfig): void {
  const credential = graph.credential;
  if (!credential || !auth.tenants) return;
  const home = ('tenantId' in credential ? credential.tenantId : text(env, 'AZURE_TENANT_ID'))?.toLowerCase();
  if (credential.kind === 'managed-identity' && home === undefined) {
    // Its tokens are its own tenant's, whatever a caller's is: that tenant must be the one listed, so it must be named.
    throw new ConfigError('AZURE_TENANT_ID', 'must name the managed identity’s tenant when AUTH_TENANTS is set (callers of another tenant would reach its data)');
  }
  const others = auth.tenants.filter((tenant) => tenant !== home);
  if (others.length === 0 || (home === undefined && auth.tenants.length === 1)) return;
  if (credential.kind === 'managed-identity') {
    throw new ConfigError('AUTH_TENANTS', `lists other tenants (${others.join(', ')}) but AZURE_MANAGED_IDENTITY cannot get tokens outside its own tenant: use a multi-tenant app registration (a federated credential can trust the managed identity)`);
  }
  if (text(env, 'AZURE_IDENTITY_DISABLE_MULTITENANTAUTH') !== undefined) {
    throw new ConfigError('AZURE_IDENTITY_DISABLE_MULTITENANTAUTH', 'is set but AUTH_TENANTS lists other tenants than AZURE_TENANT_ID: @azure/identity would ask the home tenant for every caller');
  }
}
