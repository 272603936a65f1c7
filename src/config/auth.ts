import { ConfigError, boolean, integer, list, text, url, type Env } from './read';
import type { GraphAuthMode } from './graph';

export interface AuthConfig {
  /** Caller token validation; undefined when callers are not authenticated by the gateway. */
  readonly callers: CallerAuthConfig | undefined;
  /** AUTH_DISABLED=true: `app`/`obo` run without caller authentication, on the operator's explicit word. */
  readonly disabled: boolean;
}

export interface CallerAuthConfig {
  readonly issuer: string;
  /** Any one of them must be the token's `aud`. */
  readonly audiences: readonly string[];
  /** Undefined: discovered from the issuer's OpenID configuration. */
  readonly jwksUri: URL | undefined;
  readonly requiredScopes: readonly string[];
  readonly requiredRoles: readonly string[];
  /** Minimum time between JWKS downloads prompted by an unknown `kid`. */
  readonly jwksCooldownMs: number;
}

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
  return { callers, disabled };
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
  if (jwksUri === undefined) url(env, 'AUTH_ISSUER', { httpOnLoopback: true }); // the keys are then fetched from it: a safe URL
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
