// `npm run bench`: the seed mutation through each variant (bench/servers.ts) on 127.0.0.1, pinned with taskset,
// loaded by wrk (bench/load.ts). Modes and options: bench/options.ts. BENCHMARKS.md explains every figure.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkAnswer } from './check';
import { runDocumentsBench } from './documents';
import { findGenerator, type LoadGenerator, type LoadRun, type LoadShape } from './load';
import { describeMachine, detectPinning, pinSelf, type Pinning } from './machine';
import { pacedRound, peakRound, median, variantsOf, type BenchSettings, type PacedRound, type PeakRound, type Servers } from './measure';
import { parseOptions, type Options } from './options';
import { RESULTS_DIR } from './paths';
import { profileMarkdown, summarizeProfile } from './profile-summary';
import { pacedLine, peakLine, printSummary, summarize } from './report';
import { startUpstream, startVariant, upstreamAlone, upstreamBaseUrl, type GatewayStart, type RunningServer, type VariantName } from './servers';
import { runSharedStateBench } from './shared-state';
import { soak } from './soak';
import { checkUpload, runUploadBench } from './upload';

const print = (line: string) => console.log(line);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const pinning = detectPinning();
  pinSelf(pinning);
  print(pinning.why);
  if (options.mode === 'upload') return runUploadBench(pinning, options.uploadMb, print, options.out);
  if (options.mode === 'documents') return runDocumentsBench(print);
  const generator = findGenerator(print);
  print(`load generator: ${generator.description}`);
  const upstream = await startUpstream(pinning);
  const started: RunningServer[] = [upstream];
  const start = async (name: Exclude<VariantName, 'upstream-alone'>, how: GatewayStart = {}) => {
    const server = await startVariant(pinning, name, upstreamBaseUrl(upstream), how);
    started.push(server);
    return server;
  };
  try {
    if (options.mode === 'soak') return await runSoak(generator, pinning, options, await start('gateway'));
    if (options.mode === 'shared-state') return await runSharedStateBench(generator, pinning, upstreamBaseUrl(upstream), options, print);
    if (options.mode === 'profile') return await runProfile(generator, options, await start('gateway', { extraNodeFlags: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] }));
    const servers: Servers = {
      'upstream-alone': upstreamAlone(upstream),
      floor: await start('floor'),
      gateway: await start('gateway'),
      'apollo-standalone': await start('apollo-standalone'),
      'apollo-fetch': await start('apollo-fetch'),
      ...(options.compareDist ? { previous: await start('previous', { entry: resolve(options.compareDist) }) } : {}),
    };
    for (const name of variantsOf(servers)) await checkAnswer(servers[name]!);
    print(`every variant answered the seed mutation: ${variantsOf(servers).join(', ')}`);
    if (options.mode === 'check') {
      await proveGenerator(generator, servers.gateway, options);
      return await checkUpload(pinning, print);
    }
    await compare(generator, pinning, servers, options);
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}

/** --check: a tiny closed run and a tiny paced run, enough to show the generator and its scripts work. */
async function proveGenerator(generator: LoadGenerator, gateway: RunningServer, options: Options): Promise<void> {
  const closed = await runUntilAnswered(generator, gateway, { connections: options.connections, durationS: 1 });
  const paced = await runUntilAnswered(generator, gateway, { connections: options.connections, durationS: 1, rate: 50 });
  print(`the load generator ran: closed loop ${closed.requests} requests, ${closed.errors} errors; paced at 50/s ${paced.requests} requests, ${paced.errors} errors`);
}

/**
 * A generator counts only the answers that arrive within its duration: on a saturated machine a 1 s run can end
 * before the first one. Runs twice as long, at most three times, until some request was answered.
 */
async function runUntilAnswered(generator: LoadGenerator, gateway: RunningServer, shape: LoadShape): Promise<LoadRun> {
  let run = await generator.run(gateway.target, shape);
  for (let durationS = shape.durationS * 2; run.requests === 0 && durationS <= shape.durationS * 8; durationS *= 2) {
    run = await generator.run(gateway.target, { ...shape, durationS });
  }
  return run;
}

async function compare(generator: LoadGenerator, pinning: Pinning, servers: Servers, options: Options): Promise<void> {
  const settings: BenchSettings = options;
  const peakRounds: PeakRound[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    peakRounds.push(await peakRound(generator, servers, settings, round, (name, figures) => print(peakLine(round, name, figures))));
  }
  const rate = Math.max(1, Math.round(median(peakRounds.map((round) => round.gateway.rate)) / 2));
  const pacedRounds: PacedRound[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    pacedRounds.push(await pacedRound(generator, servers, settings, rate, round));
    print(pacedLine(round, rate, pacedRounds[round]));
  }
  const summary = summarize(peakRounds, pacedRounds, rate);
  printSummary(summary, peakRounds, print);
  write(options.out ?? join(RESULTS_DIR, 'latest.json'), {
    machine: describeMachine(pinning),
    generator: generator.description,
    settings,
    summary,
    peakRounds,
    pacedRounds,
  });
}

async function runSoak(generator: LoadGenerator, pinning: Pinning, options: Options, gateway: RunningServer): Promise<void> {
  await checkAnswer(gateway);
  const report = await soak(generator, gateway, options.soakRequests, options.connections);
  print(`soak: ${report.requests.toLocaleString('en')} requests at ${Math.round(report.rate)} req/s, ${Math.round(report.cpuUsPerRequest)} µs CPU/request`);
  print(`RSS ${report.rssMbAfterWarmUp.toFixed(1)} MB after a 10 s warm-up → ${report.rssMbAtEnd.toFixed(1)} MB at the end: ${report.rssGrowthPercent.toFixed(1)} % (sampled each second: max ${Math.max(...report.rssSamplesMb).toFixed(1)} MB); peak RSS ${report.peakRssMb.toFixed(0)} MB   target ≤ 150, flat`);
  write(options.out ?? join(RESULTS_DIR, 'soak.json'), { machine: describeMachine(pinning), generator: generator.description, report });
}

const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

/** --profile: the gateway's CPU profile over a warm-up and a measured run, written when it exits, then summarized. */
async function runProfile(generator: LoadGenerator, options: Options, gateway: RunningServer): Promise<void> {
  await checkAnswer(gateway);
  const since = Date.now();
  const warmUp = await generator.run(gateway.target, { connections: options.connections, durationS: options.warmUpS });
  const run = await generator.run(gateway.target, { connections: options.connections, durationS: options.durationS });
  await gateway.stop();
  const profile = readdirSync(PROFILE_DIR)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(PROFILE_DIR, name))
    .find((file) => statSync(file).mtimeMs >= since);
  if (!profile) throw new Error(`the gateway wrote no CPU profile into ${PROFILE_DIR}`);
  const summary = summarizeProfile(profile, warmUp.requests + run.requests + 1);
  const markdown = profileMarkdown(summary, `# Gateway CPU profile, ${new Date().toISOString()} (${generator.description}, ${Math.round(run.requests / run.durationS)} req/s)`);
  print(markdown);
  print(`profile: ${profile}`);
  write(join(RESULTS_DIR, 'profile-summary.json'), summary);
  writeFileSync(join(RESULTS_DIR, 'profile-summary.md'), markdown);
}

function write(file: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
  print(`written to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
