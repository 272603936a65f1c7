import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { detectPinning, LOAD_CPU, onCpu, ticksToUs } from './machine';
import { runToEnd, type LoadGenerator, type LoadRun, type LoadShape, type Target } from './load';
import { AUTHORIZATION } from './seed';
import { benchEnvironment, SOURCE_DIR } from './paths';

interface WrkResult {
  requests: number;
  durationUs: number;
  errors: number;
  p50Us: number;
  p99Us: number;
  late: number;
  cpuTicks: number;
}

/** wrk, one thread (one CPU's worth of generator, shared with the upstream), its request and report in Lua (bench/lua). */
export function wrkGenerator(foundHow: string): LoadGenerator {
  const version = /wrk (\S+)/.exec(spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown version';
  const pinning = detectPinning();
  return {
    description: `wrk ${version}, 1 thread (${foundHow})`,
    async run(target: Target, shape: LoadShape): Promise<LoadRun> {
      const script = join(SOURCE_DIR, 'lua', shape.rate === undefined ? 'request.lua' : 'paced.lua');
      const wrkArgs = ['-t1', `-c${shape.connections}`, `-d${Math.ceil(shape.durationS)}s`, '--timeout', '10s', '-s', script, target.url];
      const [command, args] = onCpu(pinning, LOAD_CPU, 'wrk', wrkArgs);
      const stdout = await runToEnd(command, args, {
        ...benchEnvironment(),
        BENCH_LUA_DIR: join(SOURCE_DIR, 'lua'),
        BENCH_METHOD: target.method,
        BENCH_BODY: target.body,
        BENCH_AUTHORIZATION: AUTHORIZATION,
        BENCH_RATE: shape.rate === undefined ? '' : String(shape.rate),
      });
      const line = /^BENCH_RESULT (.*)$/m.exec(stdout)?.[1];
      if (!line) throw new Error(`wrk printed no result: ${stdout.slice(0, 500)}`);
      const result = JSON.parse(line) as WrkResult;
      const durationS = result.durationUs / 1e6;
      return {
        requests: result.requests,
        durationS,
        errors: result.errors,
        p50Ms: result.p50Us / 1000,
        p99Ms: result.p99Us / 1000,
        late: result.late,
        generatorCpuPercent: (ticksToUs(result.cpuTicks) / result.durationUs) * 100,
      };
    },
  };
}
