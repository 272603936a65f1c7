import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { startGateway, type Gateway } from '../../src/gateway';
import { createLogger } from '../../src/logger';

// The README's curl loop, exactly as written, against the gateway `npm start` runs: its embedded emulator.

jest.setTimeout(60_000);

/** The README's one `sh` block under "## The review loop": what a reader copies. */
function readmeLoop(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## The review loop'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no sh block under "## The review loop"');
  return block;
}

let gateway: Gateway;

beforeAll(async () => {
  // npm start's configuration, but on a free port: no GRAPH_BASE_URL, so the emulator is embedded.
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  gateway = await startGateway(config, createLogger({ level: 'silent' }));
});

afterAll(async () => {
  await gateway?.stop();
});

/** bash -e with the block, in the repository's folder (the block uploads examples/access.csv); never synchronously: the gateway runs in this process. */
function runBlock(env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-e', '-o', 'pipefail', '-c', readmeLoop()], { env, encoding: 'utf8', timeout: 50_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

it('runs from the review waiting for data to APPLIED', async () => {
  // E as npm start logs it (src/main.ts); G instead of localhost:4000.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, G: gateway.url.href, E: new URL('/_emulator', gateway.graphBaseUrl).href };
  const run = await runBlock(env);
  const output = `${run.stdout}\n${run.stderr}`;
  expect({ code: run.code, stderr: run.stderr, stdout: run.code === 0 ? '' : run.stdout }).toEqual({ code: 0, stderr: '', stdout: '' });

  const lines = run.stdout.trim().split('\n');
  // The seeded review waiting for data is the one the loop took; its three people were denied, named.
  expect(output).toContain(`"id":"${REVIEW_SEED.instances.initializing}","reviewDefinitionId":"${REVIEW_SEED.definitionId}"`);
  expect(lines).toContainEqual(expect.stringMatching(/^session [0-9a-f-]{36}$/));
  expect(output).toContain('"completeUploadSession":{"status":"COMPLETE","isUploadDone":true}');
  expect(output).toMatch(/"accessReviewDecisions":\{"totalCount":3,.*"displayName":"Isaiah Langer","userPrincipalName":"IsaiahL@contoso.example"/);
  expect(output).toContain('"applyAccessReviewDecisions":{"accepted":true}');
  expect(lines.at(-1)).toBe('APPLIED');
  expect(gateway.emulator!.reviews.instance(REVIEW_SEED.instances.initializing)?.status).toBe('Applied');
});
