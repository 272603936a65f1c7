import type { LoadGenerator, LoadRun } from './load';
import { sampleProcess, stolenMs } from './machine';
import { PREVIOUS, VARIANTS, type RunningServer, type VariantName } from './servers';

export interface BenchSettings {
  connections: number;
  durationS: number;
  warmUpS: number;
  rounds: number;
  /** Each variant's turn in a half-load round. */
  pacedS: number;
}

export interface PeakFigures {
  rate: number;
  /** The server process's utime + stime over the run ÷ the requests answered. */
  cpuUsPerRequest: number;
  generatorCpuPercent: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
}

export interface PacedFigures {
  p50Ms: number;
  p99Ms: number;
  late: number;
  requests: number;
}

type Core = (typeof VARIANTS)[number];
/** Every variant's figures; `previous` only with --compare-dist. */
export type PerVariant<T> = Record<Core, T> & { previous?: T };
export type PeakRound = PerVariant<PeakFigures> & { stolenMs: number };
export type PacedRound = PerVariant<PacedFigures> & { stolenMs: number };
export type Servers = PerVariant<RunningServer>;

/** The variants being measured, in their order. */
export function variantsOf(servers: Servers): VariantName[] {
  return servers.previous ? [...VARIANTS, PREVIOUS] : [...VARIANTS];
}

/** Alternate rounds run the variants in reverse, so that no variant always follows the same one. */
export function orderOf(servers: Servers, round: number): readonly VariantName[] {
  const names = variantsOf(servers);
  return round % 2 === 0 ? names : names.reverse();
}

function assertClean(name: string, run: LoadRun): void {
  if (run.errors > 0) throw new Error(`${name}: ${run.errors} failed requests of ${run.requests}: the figures would not be of the seed mutation`);
  if (run.requests === 0) throw new Error(`${name}: no request was answered`);
}

/** A warm-up (V8's optimizing compiler, pools, caches), then the measured closed-loop run with the server's /proc read on either side. */
export async function measurePeak(generator: LoadGenerator, server: RunningServer, settings: BenchSettings): Promise<PeakFigures> {
  await generator.run(server.target, { connections: settings.connections, durationS: settings.warmUpS });
  const before = sampleProcess(server.pid);
  const run = await generator.run(server.target, { connections: settings.connections, durationS: settings.durationS });
  const after = sampleProcess(server.pid);
  assertClean(server.name, run);
  return {
    rate: run.requests / run.durationS,
    cpuUsPerRequest: (after.cpuUs - before.cpuUs) / run.requests,
    generatorCpuPercent: run.generatorCpuPercent,
    p50Ms: run.p50Ms,
    p99Ms: run.p99Ms,
    peakRssMb: after.peakRssMb,
  };
}

export async function peakRound(generator: LoadGenerator, servers: Servers, settings: BenchSettings, round: number, print: (name: VariantName, figures: PeakFigures) => void): Promise<PeakRound> {
  const stolenBefore = stolenMs();
  const figures: Partial<Record<VariantName, PeakFigures>> = {};
  for (const name of orderOf(servers, round)) {
    const measured = await measurePeak(generator, servers[name]!, settings);
    figures[name] = measured;
    print(name, measured);
  }
  return { ...(figures as PerVariant<PeakFigures>), stolenMs: stolenMs() - stolenBefore };
}

/**
 * One half-load round: the variants take turns at the same fixed rate, each a short unrecorded turn (fresh
 * connections) and then its measured turn, so a noisy stretch of the machine falls within one round on all of them.
 */
export async function pacedRound(generator: LoadGenerator, servers: Servers, settings: BenchSettings, rate: number, round: number): Promise<PacedRound> {
  const stolenBefore = stolenMs();
  const figures: Partial<Record<VariantName, PacedFigures>> = {};
  for (const name of orderOf(servers, round)) {
    const { target } = servers[name]!;
    await generator.run(target, { connections: settings.connections, durationS: 1, rate });
    const run = await generator.run(target, { connections: settings.connections, durationS: settings.pacedS, rate });
    assertClean(name, run);
    figures[name] = { p50Ms: run.p50Ms, p99Ms: run.p99Ms, late: run.late, requests: run.requests };
  }
  return { ...(figures as PerVariant<PacedFigures>), stolenMs: stolenMs() - stolenBefore };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
