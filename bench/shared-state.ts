import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { LoadGenerator } from './load';
import { LOAD_CPU, onCpu, type Pinning } from './machine';
import { measurePeak, median, type BenchSettings, type PeakFigures } from './measure';
import { startVariant, type RunningServer } from './servers';

const SETUPS = {
  memory: {},
  redis: { REDIS_URL: '' },
  'redis + caller limit': { REDIS_URL: '', RATE_LIMIT_PER_CALLER: '1000000', RATE_LIMIT_WINDOW_S: '1' },
} as const;
type Setup = keyof typeof SETUPS;

/**
 * --shared-state: the gateway three ways, in alternating rounds: on its own memory, with REDIS_URL (nothing
 * throttled: the pause is read from memory, so no Redis command per request), and with a per-caller limit
 * (one Redis round trip per request). A local redis-server on the load generator's CPU.
 */
export async function runSharedStateBench(generator: LoadGenerator, pinning: Pinning, upstreamUrl: string, settings: BenchSettings, print: (line: string) => void): Promise<void> {
  const [command, args] = onCpu(pinning, LOAD_CPU, 'redis-server', ['--port', '6399', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const redis = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForReady(redis.stdout!);
  const servers: Partial<Record<Setup, RunningServer>> = {};
  try {
    for (const [name, env] of Object.entries(SETUPS) as [Setup, Record<string, string>][]) {
      const withUrl = 'REDIS_URL' in env ? { ...env, REDIS_URL: 'redis://127.0.0.1:6399' } : env;
      servers[name] = await startVariant(pinning, 'gateway', upstreamUrl, { env: withUrl });
    }
    const figures: Record<Setup, PeakFigures[]> = { memory: [], redis: [], 'redis + caller limit': [] };
    for (let round = 0; round < settings.rounds; round++) {
      const order = (Object.keys(SETUPS) as Setup[]).map((_, i, all) => all[(i + round) % all.length]!);
      for (const name of order) {
        const peak = await measurePeak(generator, servers[name]!, settings);
        figures[name].push(peak);
        print(`round ${round + 1} ${name}: ${Math.round(peak.rate)} req/s, ${peak.cpuUsPerRequest.toFixed(0)} µs CPU/request, p50 ${peak.p50Ms.toFixed(2)} ms`);
      }
    }
    const cpu = (name: Setup) => median(figures[name].map((f) => f.cpuUsPerRequest));
    print(`median CPU per request: memory ${cpu('memory').toFixed(0)} µs, redis ${cpu('redis').toFixed(0)} µs, redis + caller limit ${cpu('redis + caller limit').toFixed(0)} µs`);
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    redis.kill('SIGKILL');
  }
}

async function waitForReady(stdout: NodeJS.ReadableStream): Promise<void> {
  let seen = '';
  stdout.on('data', (chunk: Buffer) => (seen += String(chunk)));
  while (!seen.includes('Ready to accept connections')) await once(stdout, 'data');
}
