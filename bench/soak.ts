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

const WARM_UP_REQUESTS = 20_000;
/** wrk needs a duration; the request count ends the run long before this at any rate the gateway serves. */
const UPPER_BOUND_S = 3600;

/**
 * The gateway under a long closed-loop run. RSS is compared after a warm-up (V8 sizes its young generation to the
 * allocation rate: growth then is not a leak) with the end, and sampled every second in between.
 */
export async function soak(generator: LoadGenerator, gateway: RunningServer, requests: number, connections: number): Promise<SoakReport> {
  await generator.run(gateway.target, { connections, durationS: UPPER_BOUND_S, requests: WARM_UP_REQUESTS });
  const before = sampleProcess(gateway.pid);
  const rssSamplesMb: number[] = [];
  const sampler = setInterval(() => rssSamplesMb.push(sampleProcess(gateway.pid).rssMb), 1000);
  const run = await generator.run(gateway.target, { connections, durationS: UPPER_BOUND_S, requests }).finally(() => clearInterval(sampler));
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
