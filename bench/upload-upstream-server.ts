// Role process: the upload bench's lean upstream. GET …/files answers an empty list (the gateway's snapshot
// before an upload); POST …/uploadFile reads the multipart body to its end as fast as Node can, counting bytes:
// it finds the part's header at the start and checks the closing boundary at the end, and parses nothing in
// between. It answers 200 with the session, its stats those of this one file: the session keeps no state, so
// every round is answered alike.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { announce, loopbackUrl } from './announce';
import { KEY, SESSION_PATH, UPSTREAM_BASE_PATH } from './seed';

const FILES_PATH = `${UPSTREAM_BASE_PATH}${SESSION_PATH}/files`;
const UPLOAD_PATH = `${UPSTREAM_BASE_PATH}${SESSION_PATH}/uploadFile`;
const MAX_HEAD_BYTES = 16 * 1024;

interface ReceivedFile {
  fileName: string;
  bytes: number;
}

class BadBody extends Error {}

const server = createServer((req, res) => {
  const answer = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': randomUUID() });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && req.url?.split('?')[0] === FILES_PATH) {
    req.resume();
    return answer(200, { value: [], '@odata.count': 0 });
  }
  if (req.method !== 'POST' || req.url !== UPLOAD_PATH) {
    req.resume();
    return answer(404, { error: { code: 'NotFound', message: 'no such path' } });
  }
  // A body the gateway abandons (its CSV check failed) ends in an aborted request: there is no one to answer.
  readFilePart(req).then(
    (file) => answer(200, sessionWith(file)),
    (error: unknown) => {
      if (error instanceof BadBody) answer(400, { error: { code: 'BadRequest', message: error.message } });
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => announce(loopbackUrl(server, UPSTREAM_BASE_PATH)));

/** The one part's file name and size: the body less its part header and its closing boundary. */
async function readFilePart(req: IncomingMessage): Promise<ReceivedFile> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
  if (!boundary) throw new BadBody('not multipart/form-data with a boundary');
  const closing = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}--\r\n`);
  let head: Buffer = Buffer.alloc(0);
  let headBytes = -1;
  let total = 0;
  // The last two chunks hold the closing boundary, however the body was cut into chunks (it is short).
  let previous: Buffer = Buffer.alloc(0);
  let last: Buffer = Buffer.alloc(0);
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    previous = last;
    last = chunk;
    if (headBytes >= 0) continue;
    head = Buffer.concat([head, chunk.subarray(0, MAX_HEAD_BYTES)]);
    const end = head.indexOf('\r\n\r\n');
    if (end >= 0) headBytes = end + 4;
    else if (head.length >= MAX_HEAD_BYTES) throw new BadBody('the part header never ends');
  }
  const tail = Buffer.concat([previous, last]).subarray(-closing.length);
  if (headBytes < 0 || !tail.equals(closing)) throw new BadBody('the body is not one whole multipart part');
  const fileName = /filename="([^"]*)"/.exec(head.subarray(0, headBytes).toString())?.[1] ?? '';
  return { fileName, bytes: total - headBytes - closing.length };
}

function sessionWith(file: ReceivedFile): unknown {
  const now = new Date().toISOString();
  return {
    id: KEY.uploadSessionId,
    status: 'Active',
    isUploadDone: false,
    referenceId: 'a1b5f2a4-6c2f-4f2e-9a8b-3c4d5e6f7a8b',
    createdDateTime: '2025-10-10T19:43:09.9125236Z',
    expirationDateTime: '2099-10-11T19:43:09.9125236Z',
    stats: { filesUploaded: 1, totalBytesUploaded: file.bytes },
    files: [{ id: randomUUID(), name: file.fileName, size: file.bytes, uploadedDateTime: now }],
  };
}
