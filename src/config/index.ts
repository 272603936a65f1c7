import { existsSync } from 'node:fs';
import { readAuthConfig, type AuthConfig } from './auth';
import { checkGraphTenants, readCatalogAuthorizationConfig, type CatalogAuthorizationConfig } from './catalog-authorization';
import { readGraphConfig, type GraphConfig } from './graph';
import { readGraphQLConfig, type GraphQLConfig } from './graphql';
import { readObservabilityConfig, type ObservabilityConfig } from './observability';
import type { Env } from './read';
import { readServerConfig, type ServerConfig } from './server';
import { readSharedStateConfig, type SharedStateConfig } from './shared-state';
import { readUploadConfig, type UploadConfig } from './upload';
import { readWatchConfig, type WatchConfig } from './watch';

export { TENANT_PLACEHOLDER, type AuthConfig, type CallerAuthConfig } from './auth';
export type { CatalogAuthorizationConfig } from './catalog-authorization';
export type { AuthorityConfig, GraphAuthMode, GraphCloud, GraphConfig, GraphCredentialConfig } from './graph';
export type { GraphQLConfig, GraphQLIde, TrustedDocumentsMode } from './graphql';
export type { LogLevel, ObservabilityConfig } from './observability';
export type { ServerConfig } from './server';
export type { CallerLimitConfig, SharedStateConfig } from './shared-state';
export type { UploadConfig } from './upload';
export type { WatchConfig, WatchTarget, WebhookConfig } from './watch';
export { EMULATOR_DEFAULT_TENANT, loadEmulatorConfig, type EmulatorConfig } from './emulator';
export { ConfigError, isLoopback, type Env } from './read';
export { Secret } from './secret';
export { SANDBOX_ORIGINS } from './server';

/**
 * The gateway's whole configuration, by section. Each part of the gateway is handed only its section(s);
 * the one secret (a client secret or certificate password) is a `Secret` that prints as `[redacted]`.
 */
export interface Config {
  readonly server: ServerConfig;
  readonly graphql: GraphQLConfig;
  readonly graph: GraphConfig;
  readonly auth: AuthConfig;
  readonly catalogAuthorization: CatalogAuthorizationConfig;
  readonly observability: ObservabilityConfig;
  readonly upload: UploadConfig;
  readonly sharedState: SharedStateConfig;
  readonly watch: WatchConfig;
}

/** Loads `.env` from the working directory (variables already set win), then returns the environment. */
export function readEnvironment(): Env {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/** Reads and checks every variable; throws a ConfigError naming the first one that is wrong. */
export function loadConfig(env: Env): Config {
  const production = env.NODE_ENV === 'production';
  const graph = readGraphConfig(env, production);
  const auth = readAuthConfig(env, graph.auth);
  checkGraphTenants(env, graph, auth);
  return deepFreeze({
    server: readServerConfig(env, { development: graph.auth === 'emulator' && !production }),
    graphql: readGraphQLConfig(env, { production, emulator: graph.auth === 'emulator' }),
    graph,
    auth,
    catalogAuthorization: readCatalogAuthorizationConfig(env, graph, auth),
    observability: readObservabilityConfig(env),
    upload: readUploadConfig(env),
    sharedState: readSharedStateConfig(env),
    watch: readWatchConfig(env, graph),
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null && !(child instanceof URL) && !Object.isFrozen(child)) deepFreeze(child);
  }
  return Object.freeze(value);
}
