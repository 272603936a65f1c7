/**
 * The layers of src/ and what each may import (`npm run lint`). Requests come in through http/, are decided in
 * graphql/ and go out through graph/; nothing below imports anything above, and only the composition root
 * (gateway.ts, main.ts, cluster-primary.ts) knows every layer, the emulator included. Each layer below graphql/
 * reports failures in its own terms; graphql/ alone renders them as GraphQL errors (docs/style: "Errors in their
 * layer").
 */

/** Each layer's row: the layers it may import besides itself. graphql/ is in no row: see the rule below. */
const MAY_IMPORT = {
  config: [],
  'logger.ts': ['config'],
  'metrics.ts': [],
  'tracing.ts': [],
  upload: [],
  auth: ['config'],
  graph: ['metrics.ts', 'tracing.ts'],
  http: ['config', 'upload'],
  graphiql: [],
  client: [],
  graphql: ['auth', 'client', 'config', 'graph', 'graphiql', 'http', 'metrics.ts', 'tracing.ts', 'upload', 'watch'],
  emulator: ['auth', 'config', 'graph'],
  'shared-state': ['config', 'metrics.ts'],
  // Watching reviews: reads Graph with the gateway's identity, keeps its state and delivers in shared-state's Redis.
  watch: ['config', 'graph', 'shared-state', 'metrics.ts'],
};

/** The layers that speak GraphQL: every other one may import GraphQL packages for their types only. */
const SPEAKS_GRAPHQL = ['graphql', 'graphiql', 'client'];
const COMPOSITION_ROOT = '^src/(gateway|main|cluster-primary)\\.ts$';
const GRAPHQL_PACKAGES = '^node_modules/(graphql|type-graphql|graphql-[^/]+|@apollo/[^/]+)/';

const escapeDots = (name) => name.replace(/\./g, '\\.');
/** A file layer (logger.ts) is the file; a folder layer is everything under it. */
const layerPath = (layer) => (layer.endsWith('.ts') ? `^src/${escapeDots(layer)}$` : `^src/${escapeDots(layer)}/`);
const KNOWN = [COMPOSITION_ROOT, ...Object.keys(MAY_IMPORT).map(layerPath)];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...Object.entries(MAY_IMPORT).map(([layer, allowed]) => ({
      name: `layer-${layer.replace(/\.ts$/, '')}`,
      comment: `${layer} may import only ${allowed.length ? allowed.join(', ') : 'itself'} (MAY_IMPORT in .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: layerPath(layer) },
      // graphql/ is left to its own rule, so that a violation is reported once.
      to: { path: '^src/', pathNot: [layerPath(layer), '^src/graphql/', ...allowed.map(layerPath)] },
    })),
    {
      name: 'nothing-below-graphql-imports-it',
      comment: 'graphql/ is the top layer: only the composition root imports it (side-effect imports and re-exports included)',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/graphql/', COMPOSITION_ROOT] },
      to: { path: '^src/graphql/' },
    },
    {
      name: 'graphql-values-only-in-the-graphql-layer',
      comment: `graphql, type-graphql, graphql-* and @apollo/* are imported for values only in ${SPEAKS_GRAPHQL.join(', ')} (and the composition root); elsewhere for their types only`,
      severity: 'error',
      from: { path: '^src/', pathNot: [...SPEAKS_GRAPHQL.map(layerPath), COMPOSITION_ROOT] },
      to: { path: GRAPHQL_PACKAGES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'No import circles, type-only imports included: a circle means two modules are one',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing cannot be checked against the layers (the typed-document-node package has types and no code: its "main" is empty)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@graphql-typed-document-node/core$' },
    },
  ],
  required: [
    {
      name: 'in-a-known-layer',
      comment: 'Every module of src/ lives in a known layer (MAY_IMPORT) or is the composition root; a new folder needs a row first. (A required rule whose `to` nothing satisfies fails every module it selects, orphans included.)',
      severity: 'error',
      module: { path: '^src/', pathNot: KNOWN },
      to: { path: '^$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: they are dependencies of the layers too, and marked `type-only` for the rule above.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
