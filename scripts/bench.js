// `npm run bench` (after `npm run build`, which `prebench` does): the servers BENCHMARKS.md lists, on loopback,
// the same mutation through each, autocannon in a separate process. `-- --soak` runs 100,000 requests through
// the gateway and reports RSS growth; `-- --check` only starts every variant and checks each answers. Options:
// --duration=S (default 10), --connections=N (10),
// --rounds=N (1; >1 alternates the variants and reports medians), --out=FILE (bench-results/latest.json).
//
// This one file is every process of the benchmark: `node scripts/bench.js` orchestrates, and it starts
// itself again with a role (`upstream`, `floor`, `baseline`, `gateway`, `load`).
//
// Upstream: a tiny mock of Graph that answers every PATCH with 200 and the completed session (files
// inline, the documentation's older shape), so each variant makes exactly one upstream call per
// mutation and every request takes the normal success path. The emulator would answer the second
// completion of a session with 409 and send the gateway down its idempotent PATCH-then-GET path.
'use strict';
/* global AbortController, URL, fetch, setTimeout, __filename -- Node globals the shared lint config does not list for .js */

const { spawn, spawnSync } = require('node:child_process');
const { readFileSync, mkdirSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { cpus } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const KEY = {
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
};
const SESSION_PATH =
  `/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/${KEY.catalogId}` +
  `/accessPackageResources/${KEY.resourceId}/uploadSessions/${KEY.uploadSessionId}`;
const TOKEN = 'Bearer bench-token';
const UPSTREAM_PATH_OF = (key) =>
  `beta/identityGovernance/entitlementManagement/accessPackageCatalogs/${key.catalogId}/accessPackageResources/${key.resourceId}/uploadSessions/${key.uploadSessionId}`;
// The seed mutation selecting every field of the session.
const MUTATION = `mutation CompleteUploadSession($input: CompleteUploadSessionInput!) {
  completeUploadSession(input: $input) {
    id catalogId resourceId status isUploadDone referenceId createdDateTime expirationDateTime
    stats { filesUploaded totalBytesUploaded }
    files { id name size uploadedDateTime }
  }
}`;
const GRAPHQL_BODY = JSON.stringify({ query: MUTATION, operationName: 'CompleteUploadSession', variables: { input: KEY } });

const VARIANTS = [
  { name: 'upstream', title: '1 upstream alone (PATCH to the mock)', path: SESSION_PATH, method: 'PATCH', body: '{"isUploadDone":true}' },
  { name: 'floor', title: '2 node:http + undici.request, no GraphQL', path: '/complete', method: 'POST', body: JSON.stringify(KEY) },
  { name: 'baseline', title: '3 Apollo startStandaloneServer + fetch, untuned', path: '/', method: 'POST', body: GRAPHQL_BODY },
  { name: 'gateway', title: '4 this gateway', path: '/graphql', method: 'POST', body: GRAPHQL_BODY },
  // The stricter view: 2 and 3 again, calling Graph through the gateway's own client (retries, breaker,
  // bulkhead, metrics), so that only the GraphQL server differs from 4.
  { name: 'floorClient', title: "2' node:http + the gateway's Graph client", path: '/complete', method: 'POST', body: JSON.stringify(KEY) },
  { name: 'baselineClient', title: "3' startStandaloneServer + the gateway's Graph client", path: '/', method: 'POST', body: GRAPHQL_BODY },
];

// ---------------------------------------------------------------- the processes under test

function ready(url) {
  process.on('SIGTERM', () => process.exit(0));
  // The soak asks for the live heap after a full collection: a leak grows it, a warming allocator does not.
  process.on('message', (message) => {
    if (message !== 'heap') return;
    globalThis.gc?.();
    process.send({ heapUsedMb: process.memoryUsage().heapUsed / 1024 / 1024 });
  });
  process.send({ url });
}

function runUpstream() {
  const session = JSON.stringify({
    '@odata.context': 'https://graph.microsoft.com/beta/$metadata#customDataProvidedResourceUploadSession',
    id: KEY.uploadSessionId,
    status: 'Complete',
    isUploadDone: true,
    referenceId: 'a1b5f2a4-6c2f-4f2e-9a8b-3c4d5e6f7a8b',
    createdDateTime: '2025-10-10T19:43:09.9125236Z',
    expirationDateTime: '2025-10-11T19:43:09.9125236Z',
    stats: { filesUploaded: 1, totalBytesUploaded: 2000000 },
    files: [{ name: 'building-a-access.csv', size: 2000000, uploadedDateTime: '2025-10-10T19:50:12.3456789Z' }],
  });
  let served = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const ok = req.url === SESSION_PATH && (req.method === 'PATCH' || req.method === 'GET');
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json', 'request-id': `bench-${++served}` });
      res.end(ok ? session : '{"error":{"code":"NotFound","message":"no such path"}}');
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => ready(`http://127.0.0.1:${server.address().port}/beta`));
}

/** The no-GraphQL floor, as plain as it gets: JSON in, one undici.request PATCH, the same mapping, JSON out. */
function runFloor() {
  const { request } = require('undici');
  const { toUploadSession } = require(join(ROOT, 'dist/graph/upload-session'));
  const { assertSessionKey } = require(join(ROOT, 'dist/graph/session-key'));
  serveComplete(async (key, authorization) => {
    const response = await request(new URL(UPSTREAM_PATH_OF(key), process.env.UPSTREAM_URL), {
      method: 'PATCH',
      headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
      body: '{"isUploadDone":true}',
    });
    return toUploadSession(await response.body.json(), assertSessionKey(key));
  });
}

/** The same bare handler over the gateway's own Graph client (variant 2'). */
function runFloorClient() {
  const { Agent } = require('undici');
  const pino = require('pino');
  const { GraphClient } = require(join(ROOT, 'dist/graph/graph-client'));
  const { assertSessionKey } = require(join(ROOT, 'dist/graph/session-key'));
  const { Metrics } = require(join(ROOT, 'dist/metrics'));
  const graph = benchGraphClient(GraphClient, Agent, Metrics);
  const log = pino({ level: 'silent' });
  serveComplete((key, authorization) =>
    graph.completeSession(assertSessionKey(key), { authorization: async () => authorization, signal: new AbortController().signal, deadline: Date.now() + 30_000, log }),
  );
}

function serveComplete(complete) {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      try {
        const session = await complete(JSON.parse(body), req.headers.authorization);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { completeUploadSession: session } }));
      } catch (error) {
        res.statusCode = 502;
        res.end(JSON.stringify({ error: String(error) }));
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => ready(`http://127.0.0.1:${server.address().port}`));
}

/** What a user would write first: startStandaloneServer, the same type-graphql schema, Graph called with fetch. */
function runBaseline() {
  const { toUploadSession } = require(join(ROOT, 'dist/graph/upload-session'));
  const send = async (key, call, method, query = '') => {
    const response = await fetch(new URL(UPSTREAM_PATH_OF(key) + query, process.env.UPSTREAM_URL), {
      method,
      headers: { authorization: await call.authorization(), accept: 'application/json', 'content-type': 'application/json' },
      body: method === 'PATCH' ? '{"isUploadDone":true}' : undefined,
    });
    if (!response.ok) throw new Error(`Graph answered ${response.status}`);
    return toUploadSession(await response.json(), key);
  };
  const graph = {
    completeSession: (key, call) => send(key, call, 'PATCH'),
    getSession: (key, call) => send(key, call, 'GET'),
    getFiles: async (key, call) => (await send(key, call, 'GET', '?$expand=files')).files ?? [],
  };
  return standaloneApollo(graph);
}

/** Variant 3': the same untuned server over the gateway's own Graph client. */
function runBaselineClient() {
  const { Agent } = require('undici');
  const { GraphClient } = require(join(ROOT, 'dist/graph/graph-client'));
  const { Metrics } = require(join(ROOT, 'dist/metrics'));
  return standaloneApollo(benchGraphClient(GraphClient, Agent, Metrics));
}

async function standaloneApollo(graph) {
  require('reflect-metadata');
  const { ApolloServer } = require('@apollo/server');
  const { startStandaloneServer } = require('@apollo/server/standalone');
  const pino = require('pino');
  const { buildGatewaySchema } = require(join(ROOT, 'dist/graphql/schema'));
  const log = pino({ level: 'silent' });
  const server = new ApolloServer({ schema: buildGatewaySchema() });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({
      graph,
      requestId: 'bench',
      sessionReads: new Map(),
      call: { authorization: async () => req.headers.authorization, signal: new AbortController().signal, deadline: Date.now() + 30_000, log },
    }),
  });
  ready(url);
}

/** The gateway's Graph client with its defaults (breaker and bulkhead included), for variants 2' and 3'. */
function benchGraphClient(GraphClient, Agent, Metrics) {
  const { GraphGuard } = require(join(ROOT, 'dist/graph/graph-guard'));
  const baseUrl = new URL(process.env.UPSTREAM_URL);
  const metrics = new Metrics();
  const guard = new GraphGuard({ host: baseUrl.host, maxConcurrency: 64, maxQueue: 1024, breakerFailures: 5, breakerHalfOpenAfterMs: 10_000, metrics });
  return new GraphClient({
    baseUrl,
    dispatcher: new Agent({ keepAliveTimeout: 10_000 }),
    guard,
    retry: { maxRetries: 3, baseDelayMs: 200, maxDelayMs: 10_000 },
    attemptTimeoutMs: 10_000,
    metrics,
  });
}

/** The gateway exactly as `npm start` composes it, in passthrough mode, logging at its default level. */
async function runGateway() {
  require('reflect-metadata');
  const { loadConfig } = require(join(ROOT, 'dist/config'));
  const { startGateway } = require(join(ROOT, 'dist/gateway'));
  const { createLogger } = require(join(ROOT, 'dist/logger'));
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', GRAPH_AUTH: 'passthrough', GRAPH_BASE_URL: process.env.UPSTREAM_URL });
  const gateway = await startGateway(config, createLogger(config.logLevel));
  ready(gateway.url.href);
}

// ---------------------------------------------------------------- the load generator

function runLoad() {
  const autocannon = require('autocannon');
  const options = JSON.parse(process.argv[3]);
  autocannon({ ...options, headers: { 'content-type': 'application/json', authorization: TOKEN } }, (error, result) => {
    if (error) throw error;
    process.stdout.write(JSON.stringify(result));
  });
}

/**
 * Open-loop load at a fixed rate, for the latency comparison: requests leave on schedule whether or not
 * earlier ones came back, and latencies are kept in microseconds (autocannon reports whole milliseconds).
 * With several targets the schedule takes turns between them every `sliceMs`, so the machine's pauses
 * (the hypervisor's steal comes in bursts of seconds) fall on every variant alike rather than on whichever
 * ran alone at the time.
 */
async function runPaced() {
  const { Pool } = require('undici');
  const { targets, connections, rate, duration, sliceMs } = JSON.parse(process.argv[3]);
  const headers = { 'content-type': 'application/json', authorization: TOKEN };
  const paths = targets.map(({ url, method, body }) => ({ pool: new Pool(new URL(url).origin, { connections }), path: new URL(url).pathname, method, body }));
  const latenciesUs = targets.map(() => []);
  const errors = targets.map(() => 0);
  const pending = new Set();
  const fire = (index) => {
    const { pool, path, method, body } = paths[index];
    const sent = process.hrtime.bigint();
    const answered = pool.request({ path, method, headers, body }).then(
      async (response) => {
        await response.body.dump();
        if (response.statusCode !== 200) errors[index]++;
        latenciesUs[index].push(Number(process.hrtime.bigint() - sent) / 1000);
      },
      () => errors[index]++,
    );
    pending.add(answered);
    void answered.finally(() => pending.delete(answered));
  };
  // A first second (at least one turn each) runs the same schedule unrecorded: a fresh process compiles
  // undici and opens its connections, and those first requests would otherwise be the whole p99.
  await schedule(fire, rate, Math.min(duration, Math.max(1, (targets.length * sliceMs) / 1000)), sliceMs, targets.length);
  await Promise.all(pending);
  for (const [index, latencies] of latenciesUs.entries()) {
    latencies.length = 0;
    errors[index] = 0;
  }
  await schedule(fire, rate, duration, sliceMs, targets.length);
  await Promise.all(pending);
  await Promise.all(paths.map(({ pool }) => pool.close()));
  const figures = {};
  for (const [index, { name }] of targets.entries()) {
    const latencies = latenciesUs[index].sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] / 1000;
    figures[name] = { requests: latencies.length, errors: errors[index], p50Ms: at(0.5), p99Ms: at(0.99) };
  }
  process.stdout.write(JSON.stringify(figures));
}

// ---------------------------------------------------------------- the orchestrator

function option(name, fallback) {
  const found = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

/** Pins a process to one core when taskset exists and there are at least two. */
function pinned(core, command, args) {
  if (cpus().length < 2 || spawnSync('taskset', ['-V']).error) return [command, args];
  return ['taskset', ['-c', String(core), command, ...args]];
}

const SERVER_CORE = 0;
const LOAD_CORE = 1; // the load generator and the mock upstream share the other core

/** The node flags `npm start` gives the gateway: variant 4 runs as shipped. */
const START_FLAGS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start.split(' ').filter((arg) => arg.startsWith('--'));

function startRole(name, core, env) {
  // --profile: V8 CPU profiles of the servers, written when they stop (open them in Chrome DevTools).
  const profile = PROFILE && name !== 'upstream' ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench-results', 'profiles')}`] : [];
  const gc = SOAK ? ['--expose-gc'] : [];
  const flags = name === 'gateway' ? START_FLAGS : [];
  const [command, args] = pinned(core, process.execPath, [...flags, ...profile, ...gc, __filename, name]);
  const child = spawn(command, args, {
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'], // the gateway's log lines are written, to /dev/null
  });
  return new Promise((resolve, reject) => {
    child.once('message', ({ url }) => resolve({ child, url: new URL(url) }));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
}

/** The process doing the work: for `taskset -c N node …` that is taskset's only child, which exec'd node. */
function procStat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]);
  return { cpuMs: (ticks * 1000) / 100, rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

function load(url, variant, extra) {
  const options = { url: new URL(variant.path, url).href, method: variant.method, body: variant.body, connections: CONNECTIONS, ...extra };
  const [command, args] = pinned(LOAD_CORE, process.execPath, [__filename, 'load', JSON.stringify(options)]);
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`autocannon failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/**
 * Calls `fire(target)` `rate` times a second for `duration` seconds, on a 1 ms tick, catching up after a late
 * one; the target (0 to targets − 1) changes every `sliceMs`.
 */
async function schedule(fire, rate, duration, sliceMs, targets) {
  const total = Math.round(rate * duration);
  const started = process.hrtime.bigint();
  let fired = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((Number(process.hrtime.bigint() - started) / 1e9) * rate) + 1);
      for (; fired < due; fired++) fire(Math.floor((fired * 1000) / rate / sliceMs) % targets);
      if (fired < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
}

/** Every variant given gets `duration` seconds of requests at `rate`, in turns of SLICE_MS; one latency round. */
function paced(servers, variants, rate, duration = DURATION) {
  const targets = variants.map((v) => ({ name: v.name, url: new URL(v.path, servers[v.name].url).href, method: v.method, body: v.body }));
  const options = { targets, connections: CONNECTIONS, rate, duration: duration * variants.length, sliceMs: SLICE_MS };
  const [command, args] = pinned(LOAD_CORE, process.execPath, [__filename, 'paced', JSON.stringify(options)]);
  const stolenBefore = stolenMs();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`paced load failed: ${result.stderr}`);
  const figures = JSON.parse(result.stdout);
  for (const [name, { errors }] of Object.entries(figures)) if (errors) throw new Error(`${name}: ${errors} failed requests at ${rate}/s`);
  // A tail is only as quiet as the machine: CPU time the hypervisor gave other guests meanwhile.
  return { figures, stolenMs: stolenMs() - stolenBefore };
}

/** CPU time stolen from this VM by the hypervisor, all cores (the `steal` column of /proc/stat). */
function stolenMs() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  return (Number(fields[8]) * 1000) / 100;
}

async function check(url, variant) {
  const response = await fetch(new URL(variant.path, url), {
    method: variant.method,
    body: variant.body,
    headers: { 'content-type': 'application/json', authorization: TOKEN },
  });
  const text = await response.text();
  const ok = response.status === 200 && (variant.name === 'upstream' ? text.includes('"isUploadDone":true') : /"isUploadDone":true/.test(text) && !text.includes('"errors"'));
  if (!ok) throw new Error(`${variant.name} did not answer the mutation: ${response.status} ${text.slice(0, 300)}`);
}

const DURATION = Number(option('duration', '10'));
const CONNECTIONS = Number(option('connections', '10'));
const ROUNDS = Number(option('rounds', '1'));
/** How long the latency probe stays with one variant before the next one's turn. */
const SLICE_MS = 200;
const PROFILE = process.argv.includes('--profile');
const SOAK = process.argv.includes('--soak');
/** --check: start every variant, send each the mutation once, stop. What `npm test` runs, so the bench cannot rot. */
const CHECK_ONLY = process.argv.includes('--check');

async function orchestrate() {
  const soak = SOAK;
  const upstream = await startRole('upstream', LOAD_CORE, {});
  const env = { UPSTREAM_URL: upstream.url.href };
  const servers = {};
  try {
    servers.upstream = await startRole('upstream', SERVER_CORE, {}); // the floor's own copy, on the server core like the others
    if (soak) servers.gateway = await startRole('gateway', SERVER_CORE, env);
    else {
      for (const { name } of VARIANTS.slice(1)) servers[name] = await startRole(name, SERVER_CORE, env);
    }
    for (const variant of VARIANTS) if (servers[variant.name]) await check(servers[variant.name].url, variant);
    if (CHECK_ONLY) {
      console.log(`every variant answered the mutation: ${Object.keys(servers).join(', ')}`);
      const { figures } = paced(servers, VARIANTS, 50, 1); // a short latency round: the probe takes turns between all
      return void console.log(`the latency probe measured ${VARIANTS.map((v) => `${v.name} ${figures[v.name].requests}`).join(', ')}`);
    }
    const report = soak ? await runSoak(servers.gateway) : runComparison(servers);
    const out = option('out', join(ROOT, 'bench-results', soak ? 'soak.json' : 'latest.json'));
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2));
    console.log(`\nwritten to ${out}`);
  } finally {
    // SIGTERM: a role exits at once on it, writing its CPU profile when asked to.
    for (const server of [upstream, ...Object.values(servers)]) server.child.kill('SIGTERM');
  }
}

function machine() {
  const list = cpus();
  const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return { cpus: list.length, model: list[0]?.model, node: process.version, loadavg, taskset: pinned(0, 'x', [])[0] === 'taskset', at: new Date().toISOString() };
}

function measure(server, variant) {
  load(server.url, variant, { duration: Math.max(2, Math.round(DURATION / 3)) }); // warm-up: JIT, pools, caches
  const before = procStat(server.child.pid);
  const result = load(server.url, variant, { duration: DURATION });
  const after = procStat(server.child.pid);
  const requests = result.requests.total;
  if (result.non2xx || result.errors) throw new Error(`${variant.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return {
    throughput: requests / DURATION,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuUsPerRequest: ((after.cpuMs - before.cpuMs) * 1000) / requests,
    peakRssMb: after.peakRssMb,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function runComparison(servers) {
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const figures = {};
    for (const variant of VARIANTS) {
      figures[variant.name] = measure(servers[variant.name], variant);
      console.error(`round ${round + 1}: ${variant.name} ${Math.round(figures[variant.name].throughput)}/s`);
    }
    rounds.push(figures);
  }
  const peak = {};
  for (const variant of VARIANTS) {
    peak[variant.name] = {};
    for (const field of Object.keys(rounds[0][variant.name])) peak[variant.name][field] = median(rounds.map((r) => r[variant.name][field]));
  }

  // Latency at half of the gateway's peak: the same offered rate through each path, open loop, the
  // variants taking turns within each round (see runPaced); medians of the rounds. A variant that cannot
  // serve the rate with a margin would still be working off its backlog during the next one's turn, on
  // the same core: it is measured alone, after them.
  const rate = Math.max(1, Math.round(peak.gateway.throughput / 2));
  const together = VARIANTS.filter((v) => peak[v.name].throughput >= rate * 1.25);
  const alone = VARIANTS.filter((v) => !together.includes(v));
  const latencyRounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { figures, stolenMs: stolenTogether } = paced(servers, together, rate);
    let stolen = stolenTogether;
    for (const variant of alone) {
      const measured = paced(servers, [variant], rate);
      Object.assign(figures, measured.figures);
      stolen += measured.stolenMs;
    }
    latencyRounds.push({ ...figures, stolenMs: stolen });
    const p99s = VARIANTS.map((v) => `${v.name} ${figures[v.name].p99Ms.toFixed(1)}`).join(', ');
    const overFloor = (figures.gateway.p99Ms - figures.floor.p99Ms).toFixed(1);
    console.error(`round ${round + 1} at ${rate}/s: p99 ms ${p99s}; gateway − floor ${overFloor} (taking turns: ${together.map((v) => v.name).join(', ')}; CPU stolen by the hypervisor meanwhile: ${stolen} ms)`);
  }
  const atHalf = {};
  for (const variant of VARIANTS) {
    const of = (field) => median(latencyRounds.map((r) => r[variant.name][field]));
    atHalf[variant.name] = { rate, p50Ms: of('p50Ms'), p99Ms: of('p99Ms'), measuredAlone: alone.includes(variant) };
  }

  const ratios = {
    gatewayOverFloor: peak.gateway.throughput / peak.floor.throughput,
    gatewayOverBaseline: peak.gateway.throughput / peak.baseline.throughput,
    // The gateway and a floor took turns in the same rounds, under the same machine: the overhead is the
    // median of the rounds' differences (the difference of the two medians mixes rounds that saw different pauses).
    p99OverheadMsAtHalfLoad: median(latencyRounds.map((r) => r.gateway.p99Ms - r.upstream.p99Ms)),
    p99OverheadOverFloorMsAtHalfLoad: median(latencyRounds.map((r) => r.gateway.p99Ms - r.floor.p99Ms)),
    sharedClient: {
      gatewayOverFloor: peak.gateway.throughput / peak.floorClient.throughput,
      gatewayOverBaseline: peak.gateway.throughput / peak.baselineClient.throughput,
      floorOverBaseline: peak.floorClient.throughput / peak.baselineClient.throughput,
    },
  };
  printTable(peak, atHalf, ratios);
  return { machine: machine(), settings: { durationS: DURATION, connections: CONNECTIONS, rounds: ROUNDS, sliceMs: SLICE_MS }, peak, atHalf, ratios, rounds, latencyRounds };
}

function printTable(peak, atHalf, ratios) {
  const rows = VARIANTS.map((v) => [
    v.title,
    Math.round(peak[v.name].throughput).toLocaleString('en'),
    peak[v.name].p50Ms.toFixed(2),
    peak[v.name].p99Ms.toFixed(2),
    Math.round(peak[v.name].cpuUsPerRequest).toString(),
    peak[v.name].peakRssMb.toFixed(0),
    `${atHalf[v.name].p50Ms.toFixed(2)} / ${atHalf[v.name].p99Ms.toFixed(2)}${atHalf[v.name].measuredAlone ? ' (alone: over capacity)' : ''}`,
  ]);
  const header = ['variant', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'peak RSS MB', `p50/p99 ms at ${atHalf.gateway.rate}/s`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log(`\ngateway ÷ no-GraphQL floor (4÷2): ${ratios.gatewayOverFloor.toFixed(2)}   target ≥ 0.50`);
  console.log(`gateway ÷ default Apollo   (4÷3): ${ratios.gatewayOverBaseline.toFixed(2)}   target ≥ 2.00`);
  console.log(`p99 overhead at half the gateway's peak (median of the rounds' differences): ${ratios.p99OverheadMsAtHalfLoad.toFixed(2)} ms over the upstream (1), ${ratios.p99OverheadOverFloorMsAtHalfLoad.toFixed(2)} ms over the no-GraphQL floor (2)   target ≤ 2`);
  const shared = ratios.sharedClient;
  console.log(`with the gateway's Graph client in 2' and 3': 4÷2' ${shared.gatewayOverFloor.toFixed(2)}, 4÷3' ${shared.gatewayOverBaseline.toFixed(2)} (2'÷3' ${shared.floorOverBaseline.toFixed(2)}: the most a GraphQL server on that client could reach)`);
  console.log(`gateway peak RSS: ${peak.gateway.peakRssMb.toFixed(0)} MB   target ≤ 150`);
}

function heapAfterGc(server) {
  return new Promise((resolve) => {
    server.child.once('message', ({ heapUsedMb }) => resolve(heapUsedMb));
    server.child.send('heap');
  });
}

async function runSoak(server) {
  const variant = VARIANTS.find((v) => v.name === 'gateway');
  const amount = Number(option('requests', '100000'));
  // A long warm-up: V8 grows its young generation with the allocation rate, and that is not a leak.
  load(server.url, variant, { amount: 20_000 });
  const heapBefore = await heapAfterGc(server);
  const before = procStat(server.child.pid);
  const result = load(server.url, variant, { amount });
  const after = procStat(server.child.pid);
  const heapAfter = await heapAfterGc(server);
  if (result.non2xx || result.errors) throw new Error(`soak: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const report = {
    machine: machine(),
    requests: result.requests.total,
    throughput: result.requests.total / (result.duration || 1),
    rssMbAfterWarmUp: before.rssMb,
    rssMbAtEnd: after.rssMb,
    rssGrowthPercent: ((after.rssMb - before.rssMb) / before.rssMb) * 100,
    peakRssMb: after.peakRssMb,
    heapMbAfterGcAtStart: heapBefore,
    heapMbAfterGcAtEnd: heapAfter,
    cpuUsPerRequest: ((after.cpuMs - before.cpuMs) * 1000) / result.requests.total,
  };
  console.log(`soak: ${report.requests.toLocaleString('en')} requests, ${Math.round(report.throughput)}/s`);
  console.log(`RSS ${report.rssMbAfterWarmUp.toFixed(1)} MB after warm-up → ${report.rssMbAtEnd.toFixed(1)} MB at the end: ${report.rssGrowthPercent.toFixed(1)}% (target < 10%)`);
  console.log(`live heap after a full GC: ${heapBefore.toFixed(1)} MB → ${heapAfter.toFixed(1)} MB`);
  console.log(`peak RSS ${report.peakRssMb.toFixed(0)} MB, CPU ${Math.round(report.cpuUsPerRequest)} µs/request`);
  return report;
}

// ---------------------------------------------------------------- which process this is

const role = process.argv[2];
if (role === 'upstream') runUpstream();
else if (role === 'floor') runFloor();
else if (role === 'baseline') runBaseline();
else if (role === 'floorClient') runFloorClient();
else if (role === 'baselineClient') runBaselineClient();
else if (role === 'paced') runPaced();
else if (role === 'gateway') runGateway();
else if (role === 'load') runLoad();
else orchestrate().catch((error) => {
  console.error(error);
  process.exit(1);
});
