import { ConfigError, boolean, integer, list, text, url, type Env } from './read';
import type { GraphAuthMode } from './graph';

export interface AuthConfig {
  /** Caller token validation; undefined when callers are not authenticated by the gateway. */
  readonly callers: CallerAuthConfig | undefined;
  /** AUTH_DISABLED=true: `app`/`obo` run without caller authentication, on the operator's explicit word. */
  readonly disabled: boolean;
  /**
   * AUTH_TENANTS, lower-cased GUIDs: the tenants whose callers are served (a caller token's `tid`, or a
   * passthrough Graph token's); undefined when unset (then any tenant the issuer vouches for).
   */
  readonly tenants: readonly string[] | undefined;
}

export interface CallerAuthConfig {
  /** The expected `iss`; may hold TENANT_PLACEHOLDER, replaced by the token's `tid`. */
  readonly issuer: string;
  /** Any one of them must be the token's `aud`. */
  readonly audiences: readonly string[];
  /** Undefined: discovered from the issuer's OpenID configuration (a template's with `organizations`). */
  readonly jwksUri: URL | undefined;
  readonly requiredScopes: readonly string[];
  readonly requiredRoles: readonly string[];
  /** Minimum time between JWKS downloads prompted by an unknown `kid`. */
  readonly jwksCooldownMs: number;
}

/** Microsoft's placeholder in the tenant-independent metadata's `issuer` (graph-api-tenants.md §1). */
export const TENANT_PLACEHOLDER = '{tenantid}';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readAuthConfig(env: Env, graphAuth: GraphAuthMode): AuthConfig {
  const callers = callerAuthConfig(env);
  const disabled = boolean(env, 'AUTH_DISABLED', false);
  if (disabled && callers) throw new ConfigError('AUTH_DISABLED', 'is true but AUTH_ISSUER is set: choose one');
  // A gateway holding Graph credentials must not lend them to anyone who can reach it.
  if ((graphAuth === 'app' || graphAuth === 'obo') && !callers && !disabled) {
    throw new ConfigError(
      'AUTH_ISSUER',
      `must be set (with AUTH_AUDIENCE) in GRAPH_AUTH=${graphAuth}: callers must be authenticated, or set AUTH_DISABLED=true explicitly`,
    );
  }
  const tenants = tenantList(env);
  if (callers?.issuer.includes(TENANT_PLACEHOLDER) && tenants === undefined) {
    throw new ConfigError('AUTH_TENANTS', `must be set when AUTH_ISSUER holds ${TENANT_PLACEHOLDER}: list the tenant ids whose callers are served (Entra admits any tenant to a multi-tenant app)`);
  }
  return { callers, disabled, tenants };
}

function tenantList(env: Env): string[] | undefined {
  const tenants = list(env, 'AUTH_TENANTS');
  if (tenants.length === 0) return undefined;
  const wrong = tenants.find((tenant) => !GUID.test(tenant));
  if (wrong !== undefined) throw new ConfigError('AUTH_TENANTS', `must list tenant ids (GUIDs), got "${wrong}"`);
  return [...new Set(tenants.map((tenant) => tenant.toLowerCase()))];
}

function callerAuthConfig(env: Env): CallerAuthConfig | undefined {
  const issuer = text(env, 'AUTH_ISSUER');
  const jwksUri = url(env, 'AUTH_JWKS_URI', { httpOnLoopback: true });
  if (issuer === undefined) {
    for (const name of ['AUTH_JWKS_URI', 'AUTH_AUDIENCE', 'AUTH_REQUIRED_SCOPES', 'AUTH_REQUIRED_ROLES']) {
      if (text(env, name) !== undefined) throw new ConfigError('AUTH_ISSUER', `must be set when ${name} is`);
    }
    return undefined;
  }
  // The keys are then fetched from the issuer (a template's `organizations` document): a safe URL.
  if (jwksUri === undefined) url({ AUTH_ISSUER: issuer.replace(TENANT_PLACEHOLDER, 'organizations') }, 'AUTH_ISSUER', { httpOnLoopback: true });
  if (issuer.split(TENANT_PLACEHOLDER).length > 2) throw new ConfigError('AUTH_ISSUER', `may hold ${TENANT_PLACEHOLDER} once`);
  const audiences = list(env, 'AUTH_AUDIENCE');
  if (audiences.length === 0) throw new ConfigError('AUTH_AUDIENCE', "must be set when AUTH_ISSUER is (the gateway API's application ID URI or client id)");
  return {
    issuer,
    audiences,
    jwksUri,
    requiredScopes: list(env, 'AUTH_REQUIRED_SCOPES'),
    requiredRoles: list(env, 'AUTH_REQUIRED_ROLES'),
    jwksCooldownMs: integer(env, 'AUTH_JWKS_COOLDOWN_MS', 30_000, 0, 3_600_000),
  };
}
