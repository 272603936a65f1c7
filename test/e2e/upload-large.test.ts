import type { Socket } from 'node:net';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';
import { csvRows, postMultipart, uploadParts } from '../support/upload-request';

/**
 * A 200 MB CSV, generated row by row while it is sent, streams through the gateway to the emulator. The gateway
 * must not hold the file: the sender waits whenever the emulator has read less than all but WINDOW bytes of what
 * was sent, so a gateway that kept the file (or more than WINDOW of it) before passing it on would never see the
 * rest, and the upload would never end. How much memory an upload takes is measured by `npm run bench -- --upload`.
 */

const FILE_BYTES = 200_000_000;
/** Generated rows are 84 to 90 bytes: this makes a little over 200 MB (the test checks it). */
const ROWS = Math.ceil(FILE_BYTES / 80);
const WINDOW = 16 * 1024 * 1024;

let t: TestGateway;
/** Every socket the emulator accepted: what it has read off them, in bytes. */
const emulatorSockets = new Set<Socket>();
const emulatorRead = () => [...emulatorSockets].reduce((sum, socket) => sum + socket.bytesRead, 0);

beforeAll(async () => {
  t = await startTestGateway(); // an upload has a deadline of its own (UPLOAD_DEADLINE_MS, an hour)
  t.emulator.server.on('connection', (socket: Socket) => emulatorSockets.add(socket));
});
afterAll(() => t.stop());

/** Passes `content` on, waiting whenever the emulator is more than WINDOW bytes behind. */
async function* heldToWindow(content: AsyncIterable<Buffer>, onBytes: (bytes: number) => void): AsyncGenerator<Buffer> {
  const start = emulatorRead();
  let sent = 0;
  for await (const chunk of content) {
    sent += chunk.length;
    onBytes(chunk.length);
    yield chunk;
    while (sent - (emulatorRead() - start) > WINDOW) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it('streams a 200 MB file through the gateway without holding it', async () => {
  const session = t.emulator.store.add({ catalogId: SEED.catalogId, resourceId: SEED.resourceId }).key;
  let sent = 0;
  const { body } = await postMultipart(t.url, uploadParts(session, heldToWindow(csvRows(ROWS), (bytes) => (sent += bytes)), 'large.csv'));
  expect(body.errors).toBeUndefined();
  expect(body.data?.uploadSessionFile).toMatchObject({ stats: { filesUploaded: 1 }, files: [{ name: 'large.csv', size: sent }] });

  expect(sent).toBeGreaterThan(FILE_BYTES);
  expect(t.emulator.store.get(session)!.files.at(-1)).toMatchObject({ name: 'large.csv', size: sent });
  // The file went to Graph in one request, whole: the emulator received at least the file's bytes.
  const uploads = t.emulator.requests.filter((r) => r.path.endsWith('/uploadFile'));
  expect(uploads.at(-1)).toMatchObject({ status: 200, bodyBytes: expect.any(Number) });
  expect(uploads.at(-1)!.bodyBytes).toBeGreaterThan(sent);
}, 180_000);
