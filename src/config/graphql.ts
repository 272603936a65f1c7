import { EMULATOR_SEED_SESSION } from './emulator';
import { ConfigError, boolean, existingFile, integer, oneOf, text, type Env } from './read';

export type TrustedDocumentsMode = 'enforce' | 'allow' | 'off';
/** The developer console on `GET /graphql` for browsers: Apollo Sandbox (from Apollo's CDN), GraphiQL (served offline), or none. */
export type GraphQLIde = 'sandbox' | 'graphiql' | 'off';

export interface GraphQLConfig {
  /** Masks internal errors (and turns off introspection and the console unless asked). */
  readonly production: boolean;
  readonly introspection: boolean;
  readonly ide: GraphQLIde;
  /** Serve the Apollo Federation 2 subgraph fields (`_service`, `_entities`) too. */
  readonly federation: boolean;
  /** enforce: run only documents of the manifest; allow: run all, log unknown ones; off: no check. */
  readonly trustedDocuments: TrustedDocumentsMode;
  /** A persisted-documents manifest (hash → document) to use instead of the built-in one that `npm run codegen` writes. */
  readonly trustedDocumentsManifest: string | undefined;
  readonly maxGraphCallsPerOperation: number;
  /** The console's prefilled variables: the emulator's seeded session in emulator mode, none otherwise. */
  readonly exampleVariables: Readonly<Record<string, unknown>>;
}

export function readGraphQLConfig(env: Env, { production, emulator }: { production: boolean; emulator: boolean }): GraphQLConfig {
  const federation = boolean(env, 'FEDERATION', false);
  // Production defaults to allow, not enforce: a router's query plans and other teams' frontends are not in
  // our manifest, so enforcing is a decision an operator makes after reading the logged unknown documents.
  const trustedDocuments = oneOf(env, 'TRUSTED_DOCUMENTS', ['enforce', 'allow', 'off'] as const, production ? 'allow' : 'off');
  if (federation && trustedDocuments === 'enforce') {
    throw new ConfigError('TRUSTED_DOCUMENTS', "must not be enforce with FEDERATION=true: a router's query plans are in no manifest (enforce trusted documents in the router)");
  }
  return {
    production,
    introspection: boolean(env, 'GRAPHQL_INTROSPECTION', !production),
    ide: ide(env, production),
    federation,
    trustedDocuments,
    trustedDocumentsManifest: existingFile(env, 'TRUSTED_DOCUMENTS_MANIFEST'),
    maxGraphCallsPerOperation: integer(env, 'MAX_GRAPH_CALLS_PER_OPERATION', 10, 1, 1000),
    exampleVariables: emulator ? { ...EMULATOR_SEED_SESSION } : {},
  };
}

/** GRAPHQL_IDE picks the console; the older GRAPHQL_SANDBOX=true|false still turns Sandbox on or off. */
function ide(env: Env, production: boolean): GraphQLIde {
  if (text(env, 'GRAPHQL_IDE') !== undefined) return oneOf(env, 'GRAPHQL_IDE', ['sandbox', 'graphiql', 'off'] as const, 'sandbox');
  return boolean(env, 'GRAPHQL_SANDBOX', !production) ? 'sandbox' : 'off';
}
