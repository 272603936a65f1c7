import { request } from 'undici';
import { spawnProcess, type Spawned } from './spawn';

/** One spawned gateway process (the built dist/), as a replica behind a load balancer would run. */
export interface Replica {
  process: Spawned;
  url: URL;
  /** Its log lines, parsed. */
  logs(): { msg?: string; level?: number }[];
  /** The value of a metric line, e.g. `gateway_shared_state_up` or `gateway_graph_pauses_total{origin="replica"}`; 0 when absent. */
  metric(series: string): Promise<number>;
}

/** Starts `count` gateways, each its own process on its own port, with `env`. */
export async function startReplicas(count: number, env: Record<string, string>): Promise<Replica[]> {
  return Promise.all(Array.from({ length: count }, () => startReplica(env)));
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const spawned = spawnProcess('node', ['dist/main.js'], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
  const [, url] = (await spawned.waitFor(/"url":"([^"]+)"/))!;
  return {
    process: spawned,
    url: new URL(url!),
    logs: () => spawned.output.flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as { msg?: string }] : [])),
    async metric(series) {
      const response = await request(new URL('/metrics', url));
      const text = await response.body.text();
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    },
  };
}

export async function stopReplicas(replicas: Replica[]): Promise<void> {
  await Promise.all(
    replicas.map(async ({ process }) => {
      process.signalGroup('SIGKILL');
      await process.closed;
    }),
  );
}

/** Polls `condition` every 50 ms, at most `timeoutMs` (generous: the machine may be busy). */
export async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** An unsigned JWT with these claims: enough for a gateway in passthrough mode and an emulator that checks no tokens. */
export function fakeGraphToken(claims: { oid: string; tid: string; appid: string }): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: 'https://graph.microsoft.com', ...claims })}.unsigned`;
}
