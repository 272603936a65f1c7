import { request } from 'undici';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { COMPLETE_SEED, postGraphQL } from '../support/gateway';
import { spawnProcess, type Spawned } from '../support/spawn';

jest.setTimeout(60_000);

let emulator: Emulator;
let graphBaseUrl: URL;
let gateway: Spawned | undefined;

beforeAll(async () => {
  // dist/ is jest's global setup's build (test/support/build-once.js).
  emulator = createEmulator();
  graphBaseUrl = await emulator.listen(0, '127.0.0.1');
});
afterEach(async () => {
  gateway?.signalGroup('SIGKILL');
  await gateway?.closed;
});
afterAll(() => emulator.close());

async function startGateway(env: Record<string, string>): Promise<URL> {
  gateway = spawnProcess(process.execPath, ['dist/main.js'], { PORT: '0', HOST: '127.0.0.1', GRAPH_BASE_URL: graphBaseUrl.href, ...env });
  const [, url] = await gateway.waitFor(/gateway listening on (http:\/\/\S+)"/);
  return new URL(url!);
}

it('on SIGTERM: readiness turns 503 at once, the slow call in flight is answered, then the process exits 0', async () => {
  const url = await startGateway({ DRAIN_DELAY_MS: '3000' }); // long enough for a loaded machine to ask /readyz
  emulator.faults.add({ method: 'PATCH', delayMs: 1200, times: 1 });
  const inFlight = postGraphQL(url, COMPLETE_SEED);
  while (emulator.faults.list()[0]!.hits === 0) await new Promise((resolve) => setTimeout(resolve, 20));

  gateway!.child.kill('SIGTERM');
  await gateway!.waitFor(/"msg":"draining"/);
  const ready = await request(new URL('/readyz', url));
  expect(ready.statusCode).toBe(503);
  await ready.body.dump();

  const { body } = await inFlight;
  expect(body.errors).toBeUndefined();
  expect(body.data?.completeUploadSession).toMatchObject({ isUploadDone: true });
  expect(await gateway!.exited).toBe(0);
});

it('a second signal exits at once', async () => {
  const url = await startGateway({ SHUTDOWN_GRACE_MS: '20000' });
  emulator.faults.add({ method: 'GET', delayMs: 10_000, times: 1 });
  const inFlight = request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ uploadSession(catalogId: "73eb2497-3b88-4c0a-8bb3-68ba8162beff", resourceId: "99ab2454-3b88-4c0a-8bb3-68ba8162beff", uploadSessionId: "23f27c15-72f9-45fe-9e9c-e3d8f75bdc44") { id } }' }) }).catch(() => undefined);
  while (emulator.faults.list().at(-1)!.hits === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  gateway!.child.kill('SIGTERM');
  await gateway!.waitFor(/"msg":"draining"/);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // past the window in which a duplicate delivery is ignored
  gateway!.child.kill('SIGTERM');
  expect(await gateway!.exited).toBe(1);
  await inFlight;
});

it('exits on SIGTERM after the reader of its log lines went away (a closed stdout pipe)', async () => {
  const url = await startGateway({});
  gateway!.child.stdout!.destroy(); // the log collector is gone: every line is now written to a broken pipe
  for (let i = 0; i < 3; i++) expect((await postGraphQL(url, COMPLETE_SEED)).status).toBe(200);
  gateway!.child.kill('SIGTERM');
  expect(await gateway!.exited).toBe(0); // a flush at exit that retried the broken pipe would never end
});
