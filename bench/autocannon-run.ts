// Generator process for the autocannon fallback: one run, its LoadRun as JSON on stdout.
import type { LoadRun, LoadShape, Target } from './load';
import { AUTHORIZATION } from './seed';

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: { p50: number; p99: number };
}

type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => void;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- autocannon ships no types; its shape is declared above
const autocannon = require('autocannon') as Autocannon;

const { target, shape } = JSON.parse(process.argv[2] ?? '{}') as { target: Target; shape: LoadShape };
const started = process.cpuUsage();

autocannon(
  {
    url: target.url,
    method: target.method,
    body: target.body,
    headers: { 'content-type': 'application/json', authorization: AUTHORIZATION },
    connections: shape.connections,
    workers: 1,
    duration: shape.durationS,
    ...(shape.rate === undefined ? {} : { overallRate: shape.rate }),
  },
  (error, result) => {
    if (error) throw error;
    const cpu = process.cpuUsage(started);
    const run: LoadRun = {
      requests: result.requests.total,
      durationS: result.duration,
      errors: result.errors + result.timeouts + result.non2xx,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      late: 0, // autocannon does not tell; its latencies are whole milliseconds
      generatorCpuPercent: ((cpu.user + cpu.system) / 1e6 / result.duration) * 100,
    };
    process.stdout.write(JSON.stringify(run));
  },
);
