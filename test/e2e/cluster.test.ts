import { COMPLETE_SEED, postGraphQL } from '../support/gateway';
import { spawnProcess, type Spawned } from '../support/spawn';

jest.setTimeout(120_000);

let gateway: Spawned | undefined;
afterEach(async () => {
  gateway?.signalGroup('SIGKILL');
  await gateway?.closed;
});

function listeningWorkers(output: string[]): { pid: number; url: string }[] {
  return output
    .map((line) => JSON.parse(line) as { msg?: string; pid: number; url?: string })
    .filter((line) => line.msg?.startsWith('gateway listening'))
    .map((line) => ({ pid: line.pid, url: line.url! }));
}

/** Bounded: at most a minute of 100 ms polls. */
async function waitForListening(spawned: Spawned, count: number): Promise<void> {
  for (let i = 0; listeningWorkers(spawned.output).length < count && i < 600; i++) await new Promise((r) => setTimeout(r, 100));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('WORKERS=2 serves one port from two processes, replaces a dead worker, and drains all on SIGTERM (twice in a second counts once)', async () => {
  gateway = spawnProcess('node', ['dist/main.js'], { PORT: '0', HOST: '127.0.0.1', WORKERS: '2' });
  await gateway.waitFor(/"starting 2 workers"/);
  await waitForListening(gateway, 2);
  const first = listeningWorkers(gateway.output);
  expect(first).toHaveLength(2);
  expect(new Set(first.map((w) => w.url)).size).toBe(1); // one port
  expect(first[0]!.pid).not.toBe(first[1]!.pid);
  const url = new URL(first[0]!.url);

  process.kill(first[0]!.pid, 'SIGKILL');
  await gateway.waitFor(/worker died; starting a replacement/);
  await waitForListening(gateway, 3);
  const replacement = listeningWorkers(gateway.output)[2];
  expect(replacement?.url).toBe(url.href);
  expect(first.map((w) => w.pid)).not.toContain(replacement!.pid);

  const { body } = await postGraphQL(url, COMPLETE_SEED);
  expect(body.errors).toBeUndefined();

  gateway.child.kill('SIGTERM');
  gateway.child.kill('SIGTERM'); // the same signal delivered twice (group + forwarded) must not force an exit
  expect(await gateway.exited).toBe(0);
  expect(alive(first[1]!.pid)).toBe(false);
  expect(alive(replacement!.pid)).toBe(false);
  expect(gateway.output.join('\n')).not.toContain('second signal');
});
