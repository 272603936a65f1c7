import { join } from 'node:path';
import { detectPinning, LOAD_CPU, onCpu } from './machine';
import { runToEnd, type LoadGenerator, type LoadRun, type LoadShape, type Target } from './load';
import { benchEnvironment, ROLE_DIR } from './paths';

/**
 * The fallback when wrk cannot be had: autocannon with its requests sent from a worker thread, in a process of
 * its own on the load CPU (bench/autocannon-run.ts). A JavaScript generator spends several times wrk's CPU per
 * request: the report's generator CPU % and the upstream-alone rate show whether it capped the figures.
 */
export function autocannonGenerator(): LoadGenerator {
  const pinning = detectPinning();
  return {
    description: 'autocannon in a worker thread (wrk not available)',
    async run(target: Target, shape: LoadShape): Promise<LoadRun> {
      const [command, args] = onCpu(pinning, LOAD_CPU, process.execPath, [join(ROLE_DIR, 'autocannon-run.js'), JSON.stringify({ target, shape })]);
      return JSON.parse(await runToEnd(command, args, benchEnvironment())) as LoadRun;
    },
  };
}
