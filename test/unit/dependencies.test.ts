import { readFileSync } from 'node:fs';
import semver from 'semver';

interface Manifest {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  overrides?: Record<string, string>;
}
interface LockedPackage {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockedPackage> };
/** The oldest Node the gateway promises to run on (package.json `engines`). */
const oldestNode = semver.minVersion(manifest.engines.node)!.version;

describe('dependencies', () => {
  it('are pinned to exact versions, overrides included, so `npm ci` and a fresh install agree', () => {
    const ranges = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.overrides }).filter(
      ([, version]) => semver.valid(version) === null,
    );
    expect(ranges).toEqual([]);
  });

  it(`at run time all accept the oldest supported Node (${oldestNode}): \`npm ci\` prints no EBADENGINE for them`, () => {
    const runtime = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev);
    expect(runtime.length).toBeGreaterThan(100);
    const refusing = runtime
      .map(([path, entry]) => ({ name: path.replace(/^.*node_modules\//, ''), version: entry.version, node: nodeRange(entry) }))
      .filter(({ node }) => node !== undefined && !semver.satisfies(oldestNode, node));
    expect(refusing).toEqual([]);
  });
});

/** Old packages declare `engines` as an array of strings, which npm ignores. */
function nodeRange(entry: LockedPackage): string | undefined {
  return entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
}
