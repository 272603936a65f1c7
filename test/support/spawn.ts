import { spawn, type ChildProcess } from 'node:child_process';

export interface Spawned {
  child: ChildProcess;
  output: string[];
  /** Resolves with the first line matching `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  /** Resolves once every process holding the output pipes is gone (npm's children included). */
  closed: Promise<void>;
  /** Signals the whole process group, as a terminal or a container runtime does. */
  signalGroup(signal: NodeJS.Signals): void;
}

/** Starts a command with a clean environment: only what a newcomer's shell would have, plus `env`. */
export function spawnProcess(command: string, args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a test can signal npm and everything npm started
  });
  const output: string[] = [];
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output.push(...String(chunk).split('\n').filter(Boolean));
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));

  return {
    child,
    output,
    exited,
    closed,
    signalGroup(signal) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is already gone
      }
    },
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of output) {
            const match = line.match(pattern);
            if (match) return finish(() => resolve(match));
          }
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${pattern}:\n${output.join('\n')}`))), timeoutMs);
        void exited.then((code) => finish(() => reject(new Error(`exited with ${code} before ${pattern}:\n${output.join('\n')}`))));
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/**
 * The built gateway (dist/main.js) in its own process, in emulator mode on 127.0.0.1 (the emulator inside it, as
 * a newcomer runs it), for the tests of one file: started before them, killed after.
 */
export function builtGatewayForTests(): { readonly url: URL; readonly process: Spawned } {
  const state: { url?: URL; process?: Spawned } = {};
  beforeAll(async () => {
    state.process = spawnProcess(process.execPath, ['dist/main.js'], { GRAPH_AUTH: 'emulator', PORT: '0', HOST: '127.0.0.1' });
    const [, listening] = await state.process.waitFor(/gateway listening on (http:\/\/\S+)"/);
    state.url = new URL(listening!);
  });
  afterAll(async () => {
    state.process?.signalGroup('SIGKILL');
    await state.process?.closed;
  });
  return {
    get url() {
      return state.url!;
    },
    get process() {
      return state.process!;
    },
  };
}
