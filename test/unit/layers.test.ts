import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layers of src/ and what each may import: requests come in through http/, are decided in graphql/,
 * and go out through graph/; nothing below imports anything above, and only the composition root
 * (gateway.ts, main.ts) knows the emulator. Each layer below graphql/ reports failures in its own terms;
 * graphql/ alone renders them as GraphQL errors.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
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
  // The watcher reads Graph and keeps its state in the shared store; the GraphQL layer serves its events.
  watch: ['config', 'graph', 'metrics.ts', 'shared-state'],
};

/** The layers that speak GraphQL: every other one may import GraphQL packages for their types only. */
const SPEAKS_GRAPHQL = new Set(['graphql', 'graphiql', 'client']);
const GRAPHQL_PACKAGE = /^(graphql|type-graphql|graphql-[\w-]+|@apollo\/[\w/-]+)$/;

const SRC = resolve(__dirname, '../../src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The packages a file imports for more than their types. */
function valueImportsOfPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const statements = [...text.matchAll(/^import (?!type )[^;]*?from '([^'.][^']*)'|(?:import\(|require\()'([^'.][^']*)'/gm)];
  return statements.map((match) => (match[1] ?? match[2])!);
}

/** The src files a file imports (statically, dynamically or by require), resolved to paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from |import\(|require\()'(\.[^']+)'/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => {
    const base = resolve(dirname(file), specifier);
    return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => existsSync(candidate)) ?? base;
  });
}

const layerOf = (file: string) => relative(SRC, file).split('/')[0]!;
const files = sourceFiles(SRC);

it('every folder of src/ imports only the layers below it', () => {
  const wrong = files.flatMap((file) => {
    const layer = layerOf(file);
    const allowed = MAY_IMPORT[layer];
    if (allowed === undefined) return []; // the composition root: gateway.ts, main.ts, cluster-primary.ts
    return imports(file)
      .map(layerOf)
      .filter((target) => target !== layer && !allowed.includes(target))
      .map((target) => `${relative(SRC, file)} → ${target}`);
  });
  expect(wrong).toEqual([]);
});

it('speaks GraphQL only in the GraphQL layer: no layer below it imports graphql or @apollo/* but for types', () => {
  const wrong = files.flatMap((file) => {
    const layer = layerOf(file);
    if (SPEAKS_GRAPHQL.has(layer) || MAY_IMPORT[layer] === undefined) return [];
    return valueImportsOfPackages(file)
      .filter((name) => GRAPHQL_PACKAGE.test(name))
      .map((name) => `${relative(SRC, file)} → ${name}`);
  });
  expect(wrong).toEqual([]);
});

it('has no import circle', () => {
  const graph = new Map(files.map((file) => [file, imports(file).filter((target) => files.includes(target))]));
  const circles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') return void circles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
    state.set(file, 'visiting');
    for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  expect(circles).toEqual([]);
});
