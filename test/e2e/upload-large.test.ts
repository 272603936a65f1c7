import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';
import { csvRows, postMultipart, uploadParts } from '../support/upload-request';

/**
 * Issue 15: a 200 MB CSV, generated row by row while it is sent, streams through the gateway to the
 * emulator. The gateway (in this process, with the emulator) must not hold the file: the process's RSS,
 * sampled all along, may grow by a small fraction of the file's size only.
 */

const FILE_BYTES = 200_000_000;
/** Generated rows are 84 to 90 bytes: this makes a little over 200 MB (the test checks it). */
const ROWS = Math.ceil(FILE_BYTES / 80);
const MAX_GROWTH_BYTES = 100 * 1024 * 1024;

const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

let t: TestGateway;
beforeAll(async () => {
  // A generous deadline: this machine's speed is not what the test is about.
  t = await startTestGateway(); // an upload has a deadline of its own (UPLOAD_DEADLINE_MS, an hour)
});
afterAll(() => t.stop());

it('streams a 200 MB file through the gateway without holding it in memory', async () => {
  const session = t.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId }).key;
  // Warm up first (parsers, pools, V8's optimizing compiler), so the baseline is the steady state, not a cold start.
  const warmUp = await postMultipart(t.url, uploadParts(session, csvRows(20_000), 'warm-up.csv'));
  expect(warmUp.body.errors).toBeUndefined();
  collectGarbage();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);

  let sent = 0;
  try {
    const { body } = await postMultipart(t.url, uploadParts(session, csvRows(ROWS, { onBytes: (bytes) => (sent += bytes) }), 'large.csv'));
    expect(body.errors).toBeUndefined();
    expect(body.data?.uploadSessionFile).toMatchObject({ stats: { filesUploaded: 2 }, files: [{ name: 'warm-up.csv' }, { name: 'large.csv', size: sent }] });
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);

  expect(sent).toBeGreaterThan(FILE_BYTES);
  expect(t.emulator.store.get(session)!.files.at(-1)).toMatchObject({ name: 'large.csv', size: sent });
  // The file went to Graph in one request, whole: the emulator received at least the file's bytes.
  const uploads = t.emulator.requests.filter((r) => r.path.endsWith('/uploadFile'));
  expect(uploads.at(-1)).toMatchObject({ status: 200, bodyBytes: expect.any(Number) });
  expect(uploads.at(-1)!.bodyBytes).toBeGreaterThan(sent);
  expect(peak - baseline).toBeLessThan(MAX_GROWTH_BYTES);
}, 180_000);
