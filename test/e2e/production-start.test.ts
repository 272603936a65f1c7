import { request } from 'undici';
import { spawnProcess, type Spawned } from '../support/spawn';

// The Dockerfile sets NODE_ENV=production but not GRAPH_AUTH; a forgotten variable must stop
// start-up rather than serve the emulator's fake data behind a green readiness probe. (dist/ is built by globalSetup.)

let gateway: Spawned | undefined;
afterEach(async () => {
  gateway?.signalGroup('SIGKILL');
  await gateway?.closed;
  gateway = undefined;
});

it('NODE_ENV=production without GRAPH_AUTH exits non-zero with one line naming GRAPH_AUTH', async () => {
  gateway = spawnProcess(process.execPath, ['dist/main.js'], { NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1' });
  expect(await gateway.exited).not.toBe(0);
  await gateway.closed;
  expect(gateway.output).toEqual([expect.stringMatching(/^Configuration error: GRAPH_AUTH must be set when NODE_ENV=production/)]);
});

it('NODE_ENV=production with GRAPH_AUTH=emulator starts, warns EMULATOR MODE and is ready', async () => {
  gateway = spawnProcess(process.execPath, ['dist/main.js'], { NODE_ENV: 'production', GRAPH_AUTH: 'emulator', PORT: '0', HOST: '127.0.0.1' });
  const [warning] = await gateway.waitFor(/"level":"warn".*EMULATOR MODE: Microsoft Graph is not being called/);
  expect(warning).toBeDefined();
  const [, url] = await gateway.waitFor(/gateway listening on (http:\/\/\S+)"/);
  const ready = await request(new URL('/readyz', url));
  await ready.body.dump();
  expect(ready.statusCode).toBe(200);
});
