import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';

/** Headers about one connection, not the request: never copied from one hop to the next (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface GatewayProxy {
  forward(req: IncomingMessage, res: ServerResponse): void;
  /** A WebSocket upgrade of /graphql (the page's subscription), passed through as bytes once the gateway accepts it. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

/**
 * Passes /graphql through to the gateway as a stream both ways, so the page and the API share one origin
 * (no CORS to configure) and an uploaded file flows to the gateway as it arrives, never buffered here. The
 * page's WebSocket (GraphQL subscriptions on the same /graphql) goes through too.
 */
export function createGatewayProxy(gatewayUrl: URL): GatewayProxy {
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set<Duplex>();
  return {
    forward(req, res) {
      const upstream = request(new URL(req.url ?? '/', gatewayUrl), { method: req.method, headers: { ...endToEnd(req.headers), host: gatewayUrl.host }, agent });
      upstream.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        pipeline(answer, res, () => undefined);
      });
      // A page gone mid-upload destroys the request to the gateway too, which aborts its call to Graph.
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      pipeline(req, upstream, (error) => {
        if (error && !res.headersSent) gatewayUnreachable(res);
      });
      upstream.on('error', () => {
        if (!res.headersSent) gatewayUnreachable(res);
        else res.destroy();
      });
    },
    upgrade(req, socket, head) {
      const upstream = request(new URL(req.url ?? '/', gatewayUrl), { method: req.method, headers: { ...req.headers, host: gatewayUrl.host } });
      upstream.on('upgrade', (answer, gatewaySocket, gatewayHead) => {
        sockets.add(socket).add(gatewaySocket);
        socket.write(`HTTP/1.1 101 Switching Protocols\r\n${headerLines(answer.rawHeaders)}\r\n`);
        if (gatewayHead.length > 0) socket.write(gatewayHead);
        if (head.length > 0) gatewaySocket.write(head);
        // Either side closing or failing ends both: the page's client then reconnects.
        pipeline(gatewaySocket, socket, gatewaySocket, () => {
          socket.destroy();
          gatewaySocket.destroy();
          sockets.delete(socket);
          sockets.delete(gatewaySocket);
        });
      });
      // Refused (a draining gateway's 503, an origin it does not admit): the page's client sees the same status.
      upstream.on('response', (answer) => {
        answer.resume();
        socket.end(`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
      upstream.end();
    },
    close() {
      agent.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Raw header pairs as the lines of a response head, each ending in CRLF. */
function headerLines(raw: string[]): string {
  let lines = '';
  for (let i = 0; i < raw.length; i += 2) lines += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return lines;
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** Answered as GraphQL, so the page shows it like any other error. */
function gatewayUnreachable(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = { errors: [{ message: 'The example server could not reach the gateway.', extensions: { code: 'UPSTREAM_UNAVAILABLE' } }] };
  res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
