// `npm run bench -- --upload`: the same generated CSV straight to a lean upstream and through the gateway
// (MB/s, alternating rounds), and the gateway's RSS while one large file streams through it. BENCHMARKS.md,
// "Uploads", explains every figure. `--check` also runs `checkUpload`: 1 MB through the gateway.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_UPLOAD_MAX_BYTES } from '../src/config/upload';
import { describeMachine, sampleProcess, ticksToUs, type Pinning } from './machine';
import { median } from './measure';
import { RESULTS_DIR, ROLE_DIR } from './paths';
import { profileMarkdown, summarizeProfile } from './profile-summary';
import { MB, uploadDirect, uploadThroughGateway, type UploadRun } from './upload-client';
import { printSummary, roundLine, summarize, TARGET_RATIO, type Measured, type Print, type Round, type RssRun } from './upload-report';
import { startUploadServers, type UploadServers } from './upload-servers';

const ROUNDS = 3;
const ROUND_MB = 256;
const WARM_UP_MB = 16;
const RSS_SAMPLE_MS = 50;
const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

/** The throughput rounds, then the large file with its RSS sampled; a CPU profile when the ratio misses its target. */
export async function runUploadBench(pinning: Pinning, fileMb: number, print: Print, out = join(RESULTS_DIR, 'upload.json')): Promise<void> {
  // The gateway is started with its default limit (inherited settings aside): a larger file would be refused.
  if (fileMb * MB >= DEFAULT_UPLOAD_MAX_BYTES) throw new Error(`--upload-mb must be under the gateway's default UPLOAD_MAX_BYTES, ${DEFAULT_UPLOAD_MAX_BYTES / MB} MB`);
  const servers = await startUploadServers(pinning);
  let rounds: Round[];
  let rss: RssRun;
  try {
    await uploadDirect(servers.uploadFileUrl, WARM_UP_MB);
    await uploadThroughGateway(servers.gateway.target.url, WARM_UP_MB);
    rss = await measureRss(servers, fileMb);
    print(`${fileMb} MB through the gateway at ${rss.mbPerS.toFixed(0)} MB/s: RSS idle ${rss.idleRssMb.toFixed(1)} MB, peak ${rss.peakRssMb.toFixed(1)} MB (${rss.samples} samples)`);
    rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      rounds.push(await throughputRound(servers, round));
      print(roundLine(round, rounds[round]));
    }
  } finally {
    await servers.stop();
  }
  const summary = summarize(rounds, rss);
  printSummary(summary, rounds, rss, { roundMb: ROUND_MB, fileMb, sampleMs: RSS_SAMPLE_MS }, print);
  const profile = summary.ratio < TARGET_RATIO ? await profileGateway(pinning, print) : undefined;
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(out, JSON.stringify({ machine: describeMachine(pinning), settings: { rounds: ROUNDS, roundMb: ROUND_MB, fileMb, mb: MB, rssSampleMs: RSS_SAMPLE_MS }, summary, rounds, rss, profile }, null, 2) + '\n');
  print(`written to ${out}`);
}

/** --check: 1 MB through a gateway in front of the upload upstream, the answer's stats checked. */
export async function checkUpload(pinning: Pinning, print: Print): Promise<void> {
  const started = Date.now();
  const servers = await startUploadServers(pinning);
  try {
    const run = await uploadThroughGateway(servers.gateway.target.url, 1);
    print(`upload check: 1 MB through the gateway, ${run.bytes} bytes in the session's stats (${Date.now() - started} ms with start-up)`);
  } finally {
    await servers.stop();
  }
}

/** One round: direct and gateway back to back, the order alternating, so neither always runs on the warmer machine. */
async function throughputRound(servers: UploadServers, round: number): Promise<Round> {
  const direct = () => measured(servers, () => uploadDirect(servers.uploadFileUrl, ROUND_MB));
  const gateway = () => measured(servers, () => uploadThroughGateway(servers.gateway.target.url, ROUND_MB));
  const pair = (directRun: Measured, gatewayRun: Measured): Round => ({ direct: directRun, gateway: gatewayRun, ratio: gatewayRun.mbPerS / directRun.mbPerS });
  if (round % 2 === 0) {
    const directRun = await direct();
    return pair(directRun, await gateway());
  }
  const gatewayRun = await gateway();
  return pair(await direct(), gatewayRun);
}

async function measured(servers: UploadServers, upload: () => Promise<UploadRun>): Promise<Measured> {
  const upstreamBefore = sampleProcess(servers.upstreamPid).cpuUs;
  const gatewayBefore = sampleProcess(servers.gateway.pid).cpuUs;
  const waitBefore = runQueueNs(servers.gateway.pid);
  const kernelBefore = kernelUs(servers.gateway.pid);
  const run = await upload();
  const cpuS = (pid: number, before: number) => (sampleProcess(pid).cpuUs - before) / 1e6;
  const gatewayCpuS = cpuS(servers.gateway.pid, gatewayBefore);
  return {
    ...run,
    upstreamCpuPercent: (cpuS(servers.upstreamPid, upstreamBefore) / run.seconds) * 100,
    gatewayCpuPercent: (gatewayCpuS / run.seconds) * 100,
    gatewayCpuMsPerMb: (gatewayCpuS * 1000) / (run.bytes / MB),
    gatewayRunQueuePercent: ((runQueueNs(servers.gateway.pid) - waitBefore) / 1e9 / run.seconds) * 100,
    gatewayKernelShare: gatewayCpuS > 0 ? (kernelUs(servers.gateway.pid) - kernelBefore) / 1e6 / gatewayCpuS : 0,
  };
}

/** stime of /proc/<pid>/stat: the process's CPU in the kernel (its socket reads and writes), in µs. */
function kernelUs(pid: number): number {
  return ticksToUs(Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[12]));
}

/** The second field of /proc/<pid>/schedstat: nanoseconds the main thread spent runnable on a run queue, not running. */
function runQueueNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
}

/**
 * The gateway's idle RSS (median of a few samples after a pause, the warm-up upload behind it), then its RSS
 * every 50 ms while `fileMb` streams through it.
 */
async function measureRss(servers: UploadServers, fileMb: number): Promise<RssRun> {
  const pid = servers.gateway.pid;
  await sleep(1000);
  const idle: number[] = [];
  for (let sample = 0; sample < 5; sample++, await sleep(RSS_SAMPLE_MS)) idle.push(sampleProcess(pid).rssMb);
  const idleRssMb = median(idle);
  let peakRssMb = idleRssMb;
  let samples = 0;
  const timer = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, sampleProcess(pid).rssMb);
    samples++;
  }, RSS_SAMPLE_MS);
  try {
    const run = await measured(servers, () => uploadThroughGateway(servers.gateway.target.url, fileMb));
    peakRssMb = Math.max(peakRssMb, sampleProcess(pid).rssMb);
    return { ...run, idleRssMb, peakRssMb, aboveIdleMb: peakRssMb - idleRssMb, highWaterMarkMb: sampleProcess(pid).peakRssMb, samples };
  } finally {
    clearInterval(timer);
  }
}

/** One gateway round under the CPU profiler (cpu-profile-preload.ts), on a gateway of its own; self time by package and by function. */
async function profileGateway(pinning: Pinning, print: Print): Promise<ReturnType<typeof summarizeProfile>> {
  const since = Date.now();
  const servers = await startUploadServers(pinning, [`--require="${join(ROLE_DIR, 'cpu-profile-preload.js')}"`]);
  let run: UploadRun;
  try {
    await uploadThroughGateway(servers.gateway.target.url, WARM_UP_MB);
    process.kill(servers.gateway.pid, 'SIGUSR2');
    await sleep(100); // a signal is handled on the gateway's next turn of its event loop
    run = await uploadThroughGateway(servers.gateway.target.url, ROUND_MB);
  } finally {
    await servers.stop();
  }
  const file = readdirSync(PROFILE_DIR)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(PROFILE_DIR, name))
    .find((name) => statSync(name).mtimeMs >= since);
  if (!file) throw new Error(`the gateway wrote no CPU profile into ${PROFILE_DIR}`);
  // One upload profiled: "µs/request" in the summary is per upload, and "idle" the gateway waiting for bytes.
  const summary = summarizeProfile(file, 1);
  const markdown = profileMarkdown(summary, `# Gateway CPU profile of one ${ROUND_MB} MB upload (${run.mbPerS.toFixed(0)} MB/s under the profiler), after a ${WARM_UP_MB} MB warm-up`);
  writeFileSync(join(RESULTS_DIR, 'upload-profile.md'), markdown);
  print(markdown);
  print(`profile: ${file}`);
  return summary;
}
