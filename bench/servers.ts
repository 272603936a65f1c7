import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Target } from './load';
import { LOAD_CPU, onCpu, SERVER_CPU, type Pinning } from './machine';
import { benchEnvironment, ROLE_DIR, ROOT } from './paths';
import { GRAPHQL_BODY, KEY, PATCH_BODY, SESSION_PATH } from './seed';

export const VARIANTS = ['upstream-alone', 'floor', 'gateway', 'apollo-standalone', 'apollo-fetch'] as const;
/** `--compare-dist`: another build of the gateway, measured beside this one in the same rounds. */
export const PREVIOUS = 'previous';
export type VariantName = (typeof VARIANTS)[number] | typeof PREVIOUS;

export const TITLES: Record<VariantName, string> = {
  'upstream-alone': 'upstream alone (the generator straight to the upstream: its ceiling)',
  floor: 'floor: node:http + one keep-alive undici PATCH + mapping, no GraphQL',
  gateway: 'gateway, as `npm start` runs it (GRAPH_AUTH=passthrough)',
  'apollo-standalone': 'Apollo startStandaloneServer + type-graphql + undici.request, untuned',
  'apollo-fetch': 'the same with global fetch (the fetch baseline)',
  previous: 'previous: another build of the gateway (--compare-dist), same flags and environment',
};

export interface RunningServer {
  name: VariantName | 'upstream';
  /** The process whose CPU and memory are the variant's (for upstream-alone: the upstream). */
  pid: number;
  target: Target;
  /** SIGTERM, then wait for the exit (a CPU profile is written on the way out). */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

/** The lean upstream, on the load generator's CPU: every variant calls this one. */
export async function startUpstream(pinning: Pinning): Promise<RunningServer> {
  const { child, url } = await startRole(pinning, LOAD_CPU, 'upstream-server.js', []);
  return running('upstream', child, { url: url + SESSION_PATH, method: 'PATCH', body: PATCH_BODY });
}

/** The base URL the variants call (the gateway's GRAPH_BASE_URL). */
export function upstreamBaseUrl(upstream: RunningServer): string {
  return upstream.target.url.slice(0, -SESSION_PATH.length);
}

/**
 * upstream-alone is the upstream itself, on CPU 0 with the generator: the very pair every other variant also
 * loads, so its rate is the most any variant could be measured at.
 */
export function upstreamAlone(upstream: RunningServer): RunningServer {
  return { ...upstream, name: 'upstream-alone', stop: async () => undefined };
}

/** How a gateway variant is started: extra node flags (a profile), or another build's entry file (`previous`). */
export interface GatewayStart {
  extraNodeFlags?: string[];
  entry?: string;
  /** More configuration (REDIS_URL, RATE_LIMIT_PER_CALLER), on top of the bench's. */
  env?: Record<string, string>;
}

export async function startVariant(pinning: Pinning, name: Exclude<VariantName, 'upstream-alone'>, upstreamUrl: string, start: GatewayStart = {}): Promise<RunningServer> {
  switch (name) {
    case 'floor': {
      const { child, url } = await startRole(pinning, SERVER_CPU, 'floor-server.js', [upstreamUrl]);
      return running(name, child, { url: url + '/complete', method: 'POST', body: JSON.stringify(KEY) });
    }
    case 'apollo-standalone':
    case 'apollo-fetch': {
      const client = name === 'apollo-standalone' ? 'undici' : 'fetch';
      const { child, url } = await startRole(pinning, SERVER_CPU, 'apollo-server.js', [upstreamUrl, client]);
      return running(name, child, { url, method: 'POST', body: GRAPHQL_BODY });
    }
    case 'gateway':
    case PREVIOUS:
      return startGateway(pinning, name, upstreamUrl, start);
  }
}

function startRole(pinning: Pinning, cpu: number, file: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const [command, commandArgs] = onCpu(pinning, cpu, process.execPath, [join(ROLE_DIR, file), ...args]);
  const child = spawn(command, commandArgs, {
    env: { ...benchEnvironment(), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
    child.once('message', (message: { url: string }) => {
      clearTimeout(timer);
      resolve({ child, url: message.url });
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
  });
}

/**
 * The gateway through its public entry point, `bin/gateway` (what `npm start` and the container run: the
 * one place its node flags are written), configured only by its environment, on port 0. Its URL is read from its "listening" log line; after that its
 * stdout (one log line per operation, at the default level) is drained through the pipe, as a container
 * runtime would. With extra flags (node refuses `--cpu-prof` in NODE_OPTIONS) or another build's entry
 * file, node is run directly with the flags bin/gateway holds, so every gateway variant runs with the same ones.
 */
async function startGateway(pinning: Pinning, name: 'gateway' | typeof PREVIOUS, upstreamUrl: string, { extraNodeFlags = [], entry, env = {} }: GatewayStart): Promise<RunningServer> {
  const direct = extraNodeFlags.length > 0 || entry !== undefined;
  const [command, args] = direct
    ? onCpu(pinning, SERVER_CPU, process.execPath, [...gatewayNodeFlags(), ...extraNodeFlags, entry ?? join(ROOT, 'dist/main.js')])
    : onCpu(pinning, SERVER_CPU, join(ROOT, 'bin/gateway'), []);
  const child = spawn(command, args, {
    cwd: entry === undefined ? ROOT : join(dirname(entry), '..'),
    env: {
      ...benchEnvironment(),
      NODE_ENV: 'production',
      GRAPH_AUTH: 'passthrough',
      GRAPH_BASE_URL: upstreamUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      // Set so that inherited settings cannot change what is measured: one process (its /proc is the
      // measurement) logging at the default level.
      WORKERS: '1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await listeningUrl(child);
  return running(name, child, { url: new URL('/graphql', url).href, method: 'POST', body: GRAPHQL_BODY });
}

/** The node flags bin/gateway passes (its lines `  --flag \`), read rather than repeated here. */
export function gatewayNodeFlags(): string[] {
  const script = readFileSync(join(ROOT, 'bin/gateway'), 'utf8');
  const flags = [...script.matchAll(/^\s+(--[\w-]+(?:=\S+)?)\s*\\$/gm)].map((match) => match[1]!);
  if (flags.length === 0) throw new Error('bin/gateway names no node flags: the bench cannot start the gateway as it does');
  return flags;
}

function listeningUrl(child: ChildProcess): Promise<string> {
  const stdout = child.stdout;
  if (!stdout) throw new Error('the gateway has no stdout pipe');
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`the gateway logged no "listening" line within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
    const onData = (chunk: string) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const url = listeningLine(line);
        if (url === undefined) continue;
        clearTimeout(timer);
        stdout.off('data', onData);
        stdout.resume(); // from now on the log lines are read and dropped
        resolve(url);
        return;
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    };
    stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code} before it was listening`)));
  });
}

/** The URL of `{"url": …, "msg": "gateway listening on …"}`, src/main.ts's line when it is up. */
function listeningLine(line: string): string | undefined {
  try {
    const { url, msg } = JSON.parse(line) as { url?: unknown; msg?: unknown };
    return typeof url === 'string' && typeof msg === 'string' && msg.includes('listening') ? url : undefined;
  } catch {
    return undefined;
  }
}

function running(name: RunningServer['name'], child: ChildProcess, target: Target): RunningServer {
  if (child.pid === undefined) throw new Error(`${name} has no pid`);
  return { name, pid: child.pid, target, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), STARTUP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
