import { boolean, ConfigError, integer, list, text, url, type Env } from './read';

/**
 * The session of Graph's documentation page, which the emulator starts with. Config owns it because the
 * gateway's developer console prefills it in emulator mode without loading the emulator.
 */
export const EMULATOR_SEED_SESSION = Object.freeze({
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
});

/**
 * The tenant whose world answers a Graph token without a `tid` (an opaque token, or emulator mode without
 * caller authentication). Config owns it beside the seed session: tests' fake authorities issue tokens in it.
 */
export const EMULATOR_DEFAULT_TENANT = '11111111-2222-4333-8444-555555555555';

/** The `aud` of the emulator's test-only caller tokens unless asked for another (docs/emulator.md, "Caller tokens"). */
export const EMULATOR_CALLER_AUDIENCE = 'api://upload-session-gateway';

/** `npm run emulator` alone. */
export interface EmulatorConfig {
  readonly port: number;
  readonly host: string;
  /** When set, Graph tokens are checked as Graph would (EMULATOR_JWKS_URI and/or EMULATOR_ISSUER). */
  readonly auth: { readonly jwksUri: URL | undefined; readonly issuer: string | undefined; readonly audiences: readonly string[] } | undefined;
  /** Whether it mints test-only caller tokens (EMULATOR_CALLER_TOKENS=true): never when NODE_ENV=production. */
  readonly callerTokens: boolean;
}

/** EMULATOR_PORT (default 4001), EMULATOR_HOST (default 127.0.0.1), optional token checking, EMULATOR_CALLER_TOKENS. */
export function loadEmulatorConfig(env: Env): EmulatorConfig {
  const jwksUri = url(env, 'EMULATOR_JWKS_URI', { httpOnLoopback: true });
  const issuer = text(env, 'EMULATOR_ISSUER');
  if (issuer !== undefined && jwksUri === undefined) url(env, 'EMULATOR_ISSUER', { httpOnLoopback: true });
  return Object.freeze({
    port: integer(env, 'EMULATOR_PORT', 4001, 0, 65535),
    host: text(env, 'EMULATOR_HOST') ?? '127.0.0.1',
    auth: jwksUri || issuer ? { jwksUri, issuer, audiences: list(env, 'EMULATOR_AUDIENCE') } : undefined,
    callerTokens: callerTokens(env),
  });
}

/** Minting is asked for, never a default: an emulator reachable by others would sign anyone in as a catalog owner. */
function callerTokens(env: Env): boolean {
  const asked = boolean(env, 'EMULATOR_CALLER_TOKENS', false);
  if (asked && env.NODE_ENV === 'production') throw new ConfigError('EMULATOR_CALLER_TOKENS', 'mints test-only caller tokens and is refused with NODE_ENV=production');
  return asked;
}
