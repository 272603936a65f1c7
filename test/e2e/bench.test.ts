import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(60_000);

// The benchmark is run by hand, not by `npm test` (its figures need a quiet machine); this keeps it from rotting:
// every variant it compares starts, over dist/ as built by jest's globalSetup, and answers the seed mutation, and the
// latency probe takes its turns between all of them (50 requests a second, one second each).
it('npm run bench -- --check: every variant of the benchmark starts and answers the mutation', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, '..', '..', 'scripts', 'bench.js'), '--check'], { timeout: 50_000 });
  expect(stdout).toContain('every variant answered the mutation: upstream, floor, baseline, gateway, floorClient, baselineClient');
  // Each recorded about 50 requests: its second of turns (a first round of turns before them is a warm-up, not recorded).
  const measured = /the latency probe measured (.*)/.exec(stdout)?.[1] ?? '';
  const counts = Object.fromEntries(measured.split(', ').map((entry) => entry.split(' ')));
  expect(Object.keys(counts)).toEqual(['upstream', 'floor', 'baseline', 'gateway', 'floorClient', 'baselineClient']);
  for (const count of Object.values(counts)) expect(Number(count)).toBeGreaterThanOrEqual(45);
});
