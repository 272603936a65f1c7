import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

// The benchmark's figures come from runs by hand (they need a quiet machine); this keeps it from rotting: it
// compiles, every variant starts (the gateway through `npm start`'s command, over dist/ as the tier's global setup
// built it) and answers the seed mutation with every field right, and the load generator runs closed and paced.
it('npm run bench -- --check: every variant answers the seed mutation, the load generator runs, and 1 MB uploads through the gateway', async () => {
  await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'bench', 'tsconfig.json')], { cwd: ROOT });
  const { stdout } = await run(process.execPath, [join(ROOT, 'dist-bench', 'bench', 'main.js'), '--check'], { cwd: ROOT, timeout: 100_000 });

  expect(stdout).toContain('every variant answered the seed mutation: upstream-alone, floor, gateway, apollo-standalone, apollo-fetch');
  expect(stdout).toMatch(/^load generator: (wrk|autocannon)/m);
  const generator = /closed loop (\d+) requests, (\d+) errors; paced at 50\/s (\d+) requests, (\d+) errors/.exec(stdout);
  expect(generator).not.toBeNull();
  const [closed, closedErrors, paced, pacedErrors] = (generator ?? []).slice(1).map(Number);
  expect(closed).toBeGreaterThan(0);
  expect(closedErrors).toBe(0);
  // How many requests fit in the paced second depends on the machine: only that some were sent, without error.
  expect(paced).toBeGreaterThan(0);
  expect(pacedErrors).toBe(0);
  // The upload bench's path: 1 MB of generated CSV through a gateway in front of the upload upstream, whose
  // stats must count exactly the bytes sent (bench/upload-client.ts checks the answer).
  expect(stdout).toMatch(/^upload check: 1 MB through the gateway, \d+ bytes in the session's stats/m);
});
