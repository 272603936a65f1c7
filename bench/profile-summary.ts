import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT } from './paths';

/** The parts of a V8 .cpuprofile this summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
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
  return relative(ROOT, url.replace(/^file:\/\//, ''));
}

/** Self time by package or file and by function, from the sample timeline (each sample holds its time delta). */
export function summarizeProfile(file: string, requests: number, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id);
    const deltaUs = profile.timeDeltas[index] ?? 0;
    if (!frame) return;
    const group = groupOf(frame.url, frame.functionName);
    const fn = frame.url ? `${frame.functionName || '(anonymous)'} ${group}:${frame.lineNumber + 1}` : group;
    groups.set(group, (groups.get(group) ?? 0) + deltaUs);
    functions.set(fn, (functions.get(fn) ?? 0) + deltaUs);
    totalUs += deltaUs;
  });
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, percent: (us / totalUs) * 100, usPerRequest: us / requests }));
  return { requests, totalMs: totalUs / 1000, byGroup: ranked(groups), byFunction: ranked(functions) };
}

export function profileMarkdown(summary: ProfileSummary, heading: string): string {
  const table = (title: string, rows: SelfTime[]) => [
    `| ${title} | self ms | % | µs/request |`,
    '|---|---|---|---|',
    ...rows.map((row) => `| \`${row.name}\` | ${row.selfMs.toFixed(0)} | ${row.percent.toFixed(1)} | ${row.usPerRequest.toFixed(1)} |`),
  ];
  return [heading, '', `${summary.requests.toLocaleString('en')} requests, ${summary.totalMs.toFixed(0)} ms sampled (idle included).`, '', ...table('package or file', summary.byGroup), '', ...table('function', summary.byFunction), ''].join('\n');
}
