import { createServer } from 'node:net';
import { spawnProcess, type Spawned } from './spawn';

/** A real redis-server (Debian's package) on 127.0.0.1, without persistence, for one test file. */
export interface TestRedis {
  url: string;
  port: number;
  /** Kills it outright (SIGKILL): what a crashed or evicted Redis looks like to its clients. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts redis-server on a free port (or `port`) and resolves once it accepts connections. */
export async function startRedis(port?: number): Promise<TestRedis> {
  const chosen = port ?? (await freePort());
  let server = await launch(chosen);
  const kill = async () => {
    server.signalGroup('SIGKILL');
    await server.closed;
  };
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    kill,
    async restart() {
      server = await launch(chosen);
    },
    stop: kill,
  };
}

async function launch(port: number): Promise<Spawned> {
  const server = spawnProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await server.waitFor(/Ready to accept connections/, 20_000);
  return server;
}
