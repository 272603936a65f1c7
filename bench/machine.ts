import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The load generator and the upstream share CPU 0; the server under test has CPU 1 to itself. */
export const LOAD_CPU = 0;
export const SERVER_CPU = 1;

export interface Pinning {
  /** Whether processes are pinned; when not, `why` says why. */
  pinned: boolean;
  why: string;
}

export function detectPinning(): Pinning {
  if (cpus().length < 2) return { pinned: false, why: `only ${cpus().length} CPU: nothing is pinned, every process shares it` };
  if (spawnSync('taskset', ['-V']).error) return { pinned: false, why: 'taskset not found (util-linux): nothing is pinned' };
  return { pinned: true, why: `taskset: upstream and load generator on CPU ${LOAD_CPU}, the server under test on CPU ${SERVER_CPU}` };
}

/** The command line that runs `command` on `cpu` when pinning is available. */
export function onCpu(pinning: Pinning, cpu: number, command: string, args: string[]): [string, string[]] {
  return pinning.pinned ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100; // Linux's USER_HZ on every common architecture
  }
}

export function ticksToUs(ticks: number): number {
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

export interface ProcessSample {
  /** utime + stime of the whole process (every thread), in µs. */
  cpuUs: number;
  rssMb: number;
  /** VmHWM: the highest RSS the process has had. */
  peakRssMb: number;
}

/** A process's CPU time and memory from /proc. With `taskset -c N node …`, taskset exec's node: the pid is node's. */
export function sampleProcess(pid: number): ProcessSample {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { cpuUs: ticksToUs(ticks), rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** CPU time the hypervisor gave other guests (the `steal` column of /proc/stat, all CPUs), in ms: how noisy a round was. */
export function stolenMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  return (Number(fields[8]) * 1000) / TICKS_PER_SECOND;
}

export interface Machine {
  cpus: number;
  model: string;
  node: string;
  loadavg: string;
  pinning: string;
  at: string;
}

export function describeMachine(pinning: Pinning): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model ?? 'unknown',
    node: process.version,
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    pinning: pinning.why,
    at: new Date().toISOString(),
  };
}

/** The orchestrator reads the gateway's log pipe and the /proc files: on the load CPU, it takes nothing from the server's. */
export function pinSelf(pinning: Pinning): void {
  if (pinning.pinned) spawnSync('taskset', ['-a', '-p', '-c', String(LOAD_CPU), String(process.pid)], { stdio: 'ignore' });
}
