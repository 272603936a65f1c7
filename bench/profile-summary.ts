import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT } from './paths';
import { chargeSample, IDLE_STAGE, STAGE_ORDER, type Frame } from './profile-stages';

/** The parts of a V8 .cpuprofile this summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  selfMs: number;
  percent: number;
  /** Self time per request answered while the profile ran. */
  usPerRequest: number;
}

export interface ProfileSummary {
  requests: number;
  totalMs: number;
  /** The cost table: every sample charged to one stage of a request (bench/profile-stages.ts), in a request's order. */
  byStage: SelfTime[];
  byGroup: SelfTime[];
  byFunction: SelfTime[];
}

/** Where a function lives: an npm package, a file of this project, a module of Node's core, or native code and V8's own (GC, program, idle). */
function groupOf(url: string, functionName: string): string {
  if (!url) return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const packageAt = url.lastIndexOf('node_modules/');
  if (packageAt >= 0) return /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(packageAt))?.[1] ?? url;
  if (url.startsWith('node:')) return url;
  if (url.startsWith('wasm:')) return "wasm (undici's llhttp)";
  const path = url.replace(/^file:\/\//, '');
  // Another build (--compare-dist, an older checkout) is named as this one's files are: dist/…
  const build = path.lastIndexOf('/dist/');
  return build >= 0 ? path.slice(build + 1) : relative(ROOT, path);
}

/** Self time by package or file and by function, from the sample timeline (each sample holds its time delta). */
export function summarizeProfile(file: string, requests: number, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const stageOfNode = new Map<number, string>();
  const stageOf = (id: number): string => {
    let stage = stageOfNode.get(id);
    if (stage === undefined) {
      const stack: Frame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const frame = nodes.get(at)!;
        stack.push({ group: groupOf(frame.url, frame.functionName), functionName: frame.functionName });
      }
      stage = chargeSample(stack);
      stageOfNode.set(id, stage);
    }
    return stage;
  };
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  const stages = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id);
    const deltaUs = profile.timeDeltas[index] ?? 0;
    if (!frame) return;
    const group = groupOf(frame.url, frame.functionName);
    const fn = frame.url ? `${frame.functionName || '(anonymous)'} ${group}:${frame.lineNumber + 1}` : group;
    groups.set(group, (groups.get(group) ?? 0) + deltaUs);
    functions.set(fn, (functions.get(fn) ?? 0) + deltaUs);
    const stage = stageOf(id);
    stages.set(stage, (stages.get(stage) ?? 0) + deltaUs);
    totalUs += deltaUs;
  });
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, percent: (us / totalUs) * 100, usPerRequest: us / requests }));
  const row = ([name, us]: [string, number]) => ({ name, selfMs: us / 1000, percent: (us / totalUs) * 100, usPerRequest: us / requests });
  // The stages in a request's order; then what no stage names, largest first; idle last.
  const rank = (name: string) => (name === IDLE_STAGE ? Infinity : STAGE_ORDER.includes(name) ? STAGE_ORDER.indexOf(name) - 1e9 : -(stages.get(name) ?? 0));
  const byStage = [...stages.entries()].sort((a, b) => rank(a[0]) - rank(b[0])).map(row);
  return { requests, totalMs: totalUs / 1000, byStage, byGroup: ranked(groups), byFunction: ranked(functions) };
}

export function profileMarkdown(summary: ProfileSummary, heading: string): string {
  const table = (title: string, rows: SelfTime[]) => [
    `| ${title} | self ms | % | µs/request |`,
    '|---|---|---|---|',
    ...rows.map((row) => `| \`${row.name}\` | ${row.selfMs.toFixed(0)} | ${row.percent.toFixed(1)} | ${row.usPerRequest.toFixed(1)} |`),
  ];
  const busy = summary.byStage.filter((row) => row.name !== IDLE_STAGE).reduce((sum, row) => sum + row.usPerRequest, 0);
  return [
    heading,
    '',
    `${summary.requests.toLocaleString('en')} requests, ${summary.totalMs.toFixed(0)} ms sampled (idle included); busy ${busy.toFixed(0)} µs per request.`,
    '',
    ...table('stage (each sample charged to one: bench/profile-stages.ts)', summary.byStage),
    '',
    ...table('package or file (self time)', summary.byGroup),
    '',
    ...table('function (self time)', summary.byFunction),
    '',
  ].join('\n');
}
