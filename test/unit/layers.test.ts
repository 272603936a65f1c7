import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layers of src/ and what each may import: requests come in through http/, are decided in graphql/,
 * and go out through graph/; nothing below imports anything above, and only the composition root
 * (gateway.ts, main.ts) knows the emulator.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  config: [],
  'errors.ts': [],
  'logger.ts': ['config'],
  'metrics.ts': [],
  'tracing.ts': [],
  upload: ['errors.ts'],
  auth: ['config', 'errors.ts'],
  graph: ['errors.ts', 'metrics.ts', 'tracing.ts', 'upload'],
  http: ['config', 'errors.ts', 'upload'],
  graphiql: [],
  client: [],
  graphql: ['auth', 'client', 'config', 'errors.ts', 'graph', 'graphiql', 'http', 'metrics.ts', 'tracing.ts', 'upload'],
  emulator: ['auth', 'config', 'graph'],
  'shared-state': ['config', 'metrics.ts'],
};

const SRC = resolve(__dirname, '../../src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
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
