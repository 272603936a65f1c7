import { median } from './measure';
import type { UploadRun } from './upload-client';

export const TARGET_RATIO = 0.8;
export const TARGET_RSS_MB = 64;

export type Print = (line: string) => void;

export interface Measured extends UploadRun {
  /** The upstream's and the gateway's CPU over the run, in % of one CPU (the gateway's: ~0 on the direct path). */
  upstreamCpuPercent: number;
  gatewayCpuPercent: number;
  /** The gateway's CPU time per MB: what it would take with a CPU of its own. */
  gatewayCpuMsPerMb: number;
  /** How long the gateway's main thread was ready to run but waited for a CPU (other processes on it), in % of the run. */
  gatewayRunQueuePercent: number;
  /** The part of the gateway's CPU spent in the kernel (loopback socket reads and writes), 0–1. */
  gatewayKernelShare: number;
}

export interface Round {
  direct: Measured;
  gateway: Measured;
  ratio: number;
}

export interface RssRun extends Measured {
  idleRssMb: number;
  peakRssMb: number;
  aboveIdleMb: number;
  /** VmHWM after the run: the true peak between samples, though it may date from start-up. */
  highWaterMarkMb: number;
  samples: number;
}

export interface UploadSummary {
  directMbPerS: number;
  gatewayMbPerS: number;
  /** The median of the rounds' gateway ÷ direct (each round's pair ran back to back). */
  ratio: number;
  /** The client's highest CPU in any run, in % of one CPU. */
  clientCpuPercent: number;
  gatewayCpuMsPerMb: number;
  /**
   * What the gateway could stream with a CPU of its own (1,000 ÷ its CPU ms per MB), and that ÷ the direct
   * rate, capped at 1: the ratio that CPU-time alone predicts, steadier than MB/s on a shared machine.
   */
  gatewayCpuBoundMbPerS: number;
  cpuBoundRatio: number;
  gatewayRunQueuePercent: number;
  gatewayKernelShare: number;
  rssAboveIdleMb: number;
}

export function summarize(rounds: Round[], rss: RssRun): UploadSummary {
  const of = (pick: (round: Round) => number) => median(rounds.map(pick));
  const directMbPerS = of((round) => round.direct.mbPerS);
  const gatewayCpuMsPerMb = of((round) => round.gateway.gatewayCpuMsPerMb);
  return {
    directMbPerS,
    gatewayMbPerS: of((round) => round.gateway.mbPerS),
    ratio: of((round) => round.ratio),
    clientCpuPercent: Math.max(...rounds.flatMap((round) => [round.direct.clientCpuPercent, round.gateway.clientCpuPercent])),
    gatewayCpuMsPerMb,
    gatewayCpuBoundMbPerS: 1000 / gatewayCpuMsPerMb,
    cpuBoundRatio: Math.min(1, 1000 / gatewayCpuMsPerMb / directMbPerS),
    gatewayRunQueuePercent: of((round) => round.gateway.gatewayRunQueuePercent),
    gatewayKernelShare: of((round) => round.gateway.gatewayKernelShare),
    rssAboveIdleMb: rss.aboveIdleMb,
  };
}

const percent = (value: number) => `${value.toFixed(0)} %`;

export function roundLine(round: number, { direct, gateway, ratio }: Round): string {
  const cpus = (run: Measured) => `client ${percent(run.clientCpuPercent)}, upstream ${percent(run.upstreamCpuPercent)}, gateway ${percent(run.gatewayCpuPercent)} CPU`;
  return (
    `upload round ${round + 1}: direct ${direct.mbPerS.toFixed(0)} MB/s (${cpus(direct)}), gateway ${gateway.mbPerS.toFixed(0)} MB/s (${cpus(gateway)}; ` +
    `${gateway.gatewayCpuMsPerMb.toFixed(2)} ms CPU/MB, waited for a CPU ${percent(gateway.gatewayRunQueuePercent)}); gateway ÷ direct ${ratio.toFixed(2)}`
  );
}

export function printSummary(summary: UploadSummary, rounds: Round[], rss: RssRun, sizes: { roundMb: number; fileMb: number; sampleMs: number }, print: Print): void {
  const perRound = (pick: (round: Round) => number) => rounds.map((round) => pick(round).toFixed(0)).join(' · ');
  const cpu = (path: 'direct' | 'gateway', field: 'clientCpuPercent' | 'upstreamCpuPercent' | 'gatewayCpuPercent') => percent(median(rounds.map((round) => round[path][field])));
  print('');
  print(`| path (${sizes.roundMb} MB CSV; 1 MB = 2^20 bytes) | MB/s, median (rounds) | client CPU | upstream CPU | gateway CPU |`);
  print('|---|---|---|---|---|');
  print(`| direct to the upstream | ${summary.directMbPerS.toFixed(0)} (${perRound((round) => round.direct.mbPerS)}) | ${cpu('direct', 'clientCpuPercent')} | ${cpu('direct', 'upstreamCpuPercent')} | — |`);
  print(
    `| through the gateway | ${summary.gatewayMbPerS.toFixed(0)} (${perRound((round) => round.gateway.mbPerS)}) | ${cpu('gateway', 'clientCpuPercent')} | ` +
      `${cpu('gateway', 'upstreamCpuPercent')} | ${cpu('gateway', 'gatewayCpuPercent')} |`,
  );
  print('');
  print(`gateway ÷ direct: ${summary.ratio.toFixed(2)}   target ≥ ${TARGET_RATIO.toFixed(2)}   (rounds ${rounds.map((round) => round.ratio.toFixed(2)).join(' · ')})`);
  print(
    `gateway CPU: ${summary.gatewayCpuMsPerMb.toFixed(2)} ms per MB (${percent(summary.gatewayKernelShare * 100)} in the kernel) → ${summary.gatewayCpuBoundMbPerS.toFixed(0)} MB/s with a CPU of its own, ` +
      `${summary.cpuBoundRatio.toFixed(2)} of the direct rate; it waited for a CPU ${percent(summary.gatewayRunQueuePercent)} of the time (other processes)`,
  );
  print(`client: at most ${percent(summary.clientCpuPercent)} of a CPU; it made and sent the CSV at ${summary.directMbPerS.toFixed(0)} MB/s on the direct path`);
  print(
    `gateway RSS while ${sizes.fileMb} MB streamed (${rss.mbPerS.toFixed(0)} MB/s): idle ${rss.idleRssMb.toFixed(1)} MB, peak ${rss.peakRssMb.toFixed(1)} MB ` +
      `(every ${sizes.sampleMs} ms, ${rss.samples} samples), +${rss.aboveIdleMb.toFixed(1)} MB   target < ${TARGET_RSS_MB}   (VmHWM ${rss.highWaterMarkMb.toFixed(1)} MB)`,
  );
}
