import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RequestBody } from './body-reader';
import { errorJson } from '../odata/graph-json';

export const GRAPH_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** The challenge Graph sends with a 401: where to get a token, and for which resource (Graph's app id). */
export const GRAPH_CHALLENGE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

/** How long a closing connection waits for more of a body the answer made useless before it is cut. */
const LINGER_IDLE_MS = 2_000;

/**
 * An answer sent before the request body ended (a 415 on a big PATCH, a refused upload). The connection
 * must then close, but closing a socket while the client is still sending makes the kernel reset it, and
 * a reset can destroy the answer before the client reads it. So the emulator ends only its own side and
 * goes on reading (and dropping) what still arrives: the connection closes when the client has finished,
 * or after LINGER_IDLE_MS without a byte (a lingering close).
 */
export function closeLingering(req: IncomingMessage, res: ServerResponse, body: RequestBody): void {
  body.discard();
  res.setHeader('connection', 'close');
  const socket = req.socket;
  // Node closes a `connection: close` response's socket with destroySoon() once the answer is written.
  socket.destroySoon = () => lingerThenClose(socket);
}

function lingerThenClose(socket: Socket): void {
  socket.end();
  socket.setTimeout(LINGER_IDLE_MS, () => socket.destroy());
  socket.once('end', () => socket.destroy());
  socket.resume();
}

/**
 * What node:http's parser refuses before any request exists (a raw 0xFF in the request target, an
 * oversized header): answered in Graph's error envelope rather than Node's bare status line.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'RequestHeaderFieldsTooLarge', 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'RequestTimeout', 'The request did not arrive in time.']
        : error.code === 'HPE_INVALID_URL'
          ? [400, 'BadRequest', 'The request target is not a valid URL.']
          : [400, 'BadRequest', 'The request is not valid HTTP/1.1.'];
  const requestId = randomUUID();
  const json = JSON.stringify(errorJson(code, message, requestId, undefined));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${GRAPH_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(json)}\r\n` +
      `request-id: ${requestId}\r\nclient-request-id: ${requestId}\r\nconnection: close\r\n\r\n${json}`,
  );
}
