import type { LoadGenerator } from './load';
import { sampleProcess } from './machine';
import type { RunningServer } from './servers';

export interface SoakReport {
  requests: number;
  rate: number;
  rssMbAfterWarmUp: number;
  rssMbAtEnd: number;
  rssGrowthPercent: number;
  peakRssMb: number;
  cpuUsPerRequest: number;
  /** RSS each second of the measured run, MB. */
  rssSamplesMb: number[];
}

const WARM_UP_S = 10;

/**
 * The gateway under a long closed-loop run. RSS is compared after a warm-up (V8 sizes its young generation to the
 * allocation rate: growth then is not a leak) with the end, and sampled every second in between.
 */
export async function soak(generator: LoadGenerator, gateway: RunningServer, requests: number, connections: number): Promise<SoakReport> {
  // wrk ends a run only when its duration is over (a Lua thread stopping early leaves wrk's main thread
  // sleeping out the rest): the warm-up's rate sizes the measured run to about `requests` answers.
  const warmUp = await generator.run(gateway.target, { connections, durationS: WARM_UP_S });
  const durationS = Math.max(10, Math.ceil(requests / (warmUp.requests / warmUp.durationS)));
  const before = sampleProcess(gateway.pid);
  const rssSamplesMb: number[] = [];
  const sampler = setInterval(() => rssSamplesMb.push(sampleProcess(gateway.pid).rssMb), 1000);
  const run = await generator.run(gateway.target, { connections, durationS }).finally(() => clearInterval(sampler));
  const after = sampleProcess(gateway.pid);
  if (run.errors > 0) throw new Error(`soak: ${run.errors} failed requests of ${run.requests}`);
  return {
    requests: run.requests,
    rate: run.requests / run.durationS,
    rssMbAfterWarmUp: before.rssMb,
    rssMbAtEnd: after.rssMb,
    rssGrowthPercent: ((after.rssMb - before.rssMb) / before.rssMb) * 100,
    peakRssMb: after.peakRssMb,
    cpuUsPerRequest: (after.cpuUs - before.cpuUs) / run.requests,
    rssSamplesMb,
  };
}
