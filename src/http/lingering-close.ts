import type { IncomingMessage, ServerResponse } from 'node:http';

/** How much of a body the answer made useless is read and dropped, at most, before the connection is cut anyway. */
const LINGER_MAX_BYTES = 16 * 1024 * 1024;
/** How long, at most, the connection waits for the rest of that body. */
const LINGER_MAX_MS = 5_000;

/**
 * Call before writing an answer. When the request still has body to come (a refusal: CSRF, a size limit,
 * a malformed upload, a file refused mid-stream, an operation refused before its file was read), the
 * connection cannot be reused: the answer says `Connection: close`. But closing a socket the client is
 * still writing to makes the kernel reset it, and a client busy writing then gets EPIPE or ECONNRESET and
 * never reads the status. So once the answer is written the gateway ends its own side and goes on reading
 * (and dropping) the body until it ends, LINGER_MAX_BYTES more arrived or LINGER_MAX_MS passed, and only
 * then closes (a lingering close; the emulator does the same, src/emulator/server/http-edges.ts).
 */
export function lingerIfBodyUnread(res: ServerResponse): void {
  const { req } = res;
  if (req.complete || !hasBody(req) || res.headersSent) return;
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
  const { socket } = req;
  const destroySoon = socket.destroySoon.bind(socket);
  let received = 0;
  let lingering = false;
  let timer: NodeJS.Timeout | undefined;
  const close = () => {
    clearTimeout(timer);
    req.off('data', count).off('end', close);
    socket.off('close', close);
    // Whole, the body leaves nothing unread and the close is clean; cut short, the reset is the bound's price.
    destroySoon();
  };
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (lingering && received > LINGER_MAX_BYTES) close();
  };
  // Read (and counted) from now on: once the answer is written, node would drop a body nobody reads without a
  // `data` event to count. A reader that stopped (the JSON limit, the multipart reader) drops what it gets anyway.
  req.on('data', count);
  // Node closes a `connection: close` answer's socket with destroySoon() once the answer is written.
  socket.destroySoon = () => {
    if (req.complete || received > LINGER_MAX_BYTES) return close();
    lingering = true;
    timer = setTimeout(close, LINGER_MAX_MS);
    socket.end(); // the answer is all there is: the client may read to the end of the stream
    socket.once('close', close);
    req.once('end', close);
  };
}

/** A request that declared a body (GET, HEAD and the like declare none). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
