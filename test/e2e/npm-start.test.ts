import { request } from 'undici';
import { COMPLETE_SEED, postGraphQL } from '../support/gateway';
import { spawnProcess, type Spawned } from '../support/spawn';

jest.setTimeout(120_000);

// `npm start` as the README runs it, except its `prestart` build: jest's global setup has built dist/ already,
// and a second build (it empties dist/ first) would pull files from under the other test files' gateways.
const NPM_START = ['start', '--silent', '--ignore-scripts'];

let gateway: Spawned | undefined;
afterEach(async () => {
  gateway?.signalGroup('SIGKILL');
  await gateway?.closed;
});

it('`npm start` with no configuration serves the seed mutation from the embedded emulator, then stops on Ctrl-C', async () => {
  gateway = spawnProcess('npm', NPM_START, { PORT: '0' });
  // The embedded emulator's control API, on a port of its own that changes on every start, is in the log.
  const [, controlApi] = await gateway.waitFor(/Microsoft Graph is not being called.*its control API at (http:\/\/[^"\s]+)"/);
  const [, url] = await gateway.waitFor(/gateway listening on (http:\/\/\S+)"/);
  const reviews = await request(`${controlApi}/reviews`);
  expect(reviews.statusCode).toBe(200);
  expect(await reviews.body.text()).toContain('Building A access review');

  const { body } = await postGraphQL(new URL(url!), COMPLETE_SEED);
  expect(body.errors).toBeUndefined();
  expect(body.data?.completeUploadSession).toMatchObject({ status: 'COMPLETE', isUploadDone: true, stats: { totalBytesUploaded: 2000000 } });

  gateway.signalGroup('SIGINT');
  await gateway.closed;
  // npm relays its script's output and may be gone before the last line: the closed port is the proof.
  expect(await refusesConnections(new URL('/healthz', url!))).toBe(true);
});

it('SIGTERM sent to the `npm start` process alone (as a supervisor sends it) drains the gateway and stops it', async () => {
  gateway = spawnProcess('npm', NPM_START, { PORT: '0' });
  const [, pid, url] = await gateway.waitFor(/"pid":(\d+).*gateway listening on (http:\/\/\S+)"/);
  expect((await postGraphQL(new URL(url!), COMPLETE_SEED)).body.errors).toBeUndefined();

  gateway.child.kill('SIGTERM'); // npm's pid only, not its process group
  expect(await gateway.exited).toBe(0);
  expect(await eventually(() => !isRunning(Number(pid)))).toBe(true);
  expect(await refusesConnections(new URL('/healthz', url!))).toBe(true);
  expect(gateway.output).toContainEqual(expect.stringMatching(/"signal":"SIGTERM".*"msg":"draining"/));
});

async function refusesConnections(url: URL): Promise<boolean> {
  return eventually(() =>
    request(url).then(
      async (response) => {
        await response.body.dump();
        return false;
      },
      (error: { code?: string }) => error.code === 'ECONNREFUSED',
    ),
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A process that is stopping takes a moment to let go of its port: give it ten seconds' worth of looks. */
async function eventually(check: () => boolean | Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

it('the built gateway drains on SIGTERM and exits 0', async () => {
  gateway = spawnProcess(process.execPath, ['dist/main.js'], { PORT: '0' });
  const [, url] = await gateway.waitFor(/gateway listening on (http:\/\/\S+)"/);
  expect((await postGraphQL(new URL(url!), COMPLETE_SEED)).body.errors).toBeUndefined();
  gateway.child.kill('SIGTERM');
  expect(await gateway.exited).toBe(0);
});

it('refuses to start on bad configuration with one line naming the variable', async () => {
  gateway = spawnProcess(process.execPath, ['dist/main.js'], { PORT: '0', GRAPH_AUTH: 'passthrough', GRAPH_BASE_URL: 'http://graph.example.com/beta' });
  expect(await gateway.exited).toBe(1);
  expect(gateway.output).toEqual([expect.stringMatching(/^Configuration error: GRAPH_BASE_URL must be an https: URL \(http: only for a loopback host\)/)]);
});
