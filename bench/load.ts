import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { autocannonGenerator } from './autocannon-generator';
import { wrkGenerator } from './wrk-generator';

/** One kind of request sent at a server. */
export interface Target {
  url: string;
  method: 'POST' | 'PATCH';
  body: string;
}

/** How long and how hard: closed loop for `durationS`, or a fixed `rate`. */
export interface LoadShape {
  connections: number;
  durationS: number;
  /** Requests per second, evenly spaced; absent: as fast as the server answers. */
  rate?: number;
}

export interface LoadRun {
  requests: number;
  durationS: number;
  /** Socket errors, timeouts and HTTP statuses ≥ 400. */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Paced runs: requests sent more than 1 ms after their slot because every connection was busy. */
  late: number;
  /** The generator's own CPU time over the run ÷ its duration: near 100 % of one CPU, it measured itself. */
  generatorCpuPercent: number;
}

export interface LoadGenerator {
  /** For the report: which generator, and how it was found. */
  description: string;
  run(target: Target, shape: LoadShape): Promise<LoadRun>;
}

/** wrk when it is there or can be installed; otherwise autocannon in worker threads, saying so. */
export function findGenerator(log: (line: string) => void): LoadGenerator {
  if (hasWrk()) return wrkGenerator('wrk found on PATH');
  if (installWrk(log) && hasWrk()) return wrkGenerator('wrk installed with apt-get');
  log('wrk is missing and could not be installed: falling back to autocannon in worker threads (JavaScript; check its CPU % below)');
  return autocannonGenerator();
}

function hasWrk(): boolean {
  return !spawnSync('wrk', ['-v']).error;
}

function installWrk(log: (line: string) => void): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    log('wrk is missing; installing it needs root and apt-get (`apt-get install -y wrk`)');
    return false;
  }
  log('wrk is missing: apt-get install -y wrk');
  const install = () => spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' }).status === 0;
  return install() || (spawnSync('apt-get', ['update'], { stdio: 'inherit' }).status === 0 && install());
}

/** Runs a generator process to its end and returns its stdout; rejects with its stderr when it fails. */
export function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} exited with ${code}: ${stderr.slice(0, 500)}`))));
  });
}
