import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The Kubernetes manifests of deploy/kubernetes/, parsed: read by the static checks and the probe test alike. */
export const ROOT = join(__dirname, '..', '..');
export const MANIFESTS = join(ROOT, 'deploy', 'kubernetes');

export interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a parsed manifest, inspected field by field by the tests
}

export function manifests(): Manifest[] {
  return readdirSync(MANIFESTS)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(MANIFESTS, file), 'utf8')).map((doc) => {
        expect(doc.errors).toEqual([]);
        return doc.toJS() as Manifest;
      }),
    );
}

export function byKind(kind: string): Manifest {
  const found = manifests().filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
}
