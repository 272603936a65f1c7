import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerCallerToken, CALLER_TOKEN_PATH, ownersAuthorization, type CallerTokenSource } from './caller-token';
import { createGatewayProxy } from './gateway-proxy';
import type { AppFiles } from './bundle-app';

export interface ExampleServer {
  url: URL;
  close(): Promise<void>;
}

// The page may load only what this server serves: the browser itself refuses any CDN or other host.
const CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Where the example server sends what is not a file: the gateway, and the emulator that mints callers' tokens. */
export interface ExampleUpstreams extends CallerTokenSource {
  gatewayUrl: URL;
}

/**
 * Serves the app's three files, a caller token for the page's "Signed in as" (CALLER_TOKEN_PATH), and passes
 * /graphql (HTTP and WebSocket) through to the gateway, as the owner when a request names no caller;
 * everything else is 404.
 */
export async function startExampleServer(app: AppFiles, upstreams: ExampleUpstreams, port: number, host: string): Promise<ExampleServer> {
  const { gatewayUrl } = upstreams;
  const proxy = createGatewayProxy(gatewayUrl);
  const owners = ownersAuthorization(upstreams);
  const files = new Map([
    ['/', { type: 'text/html; charset=utf-8', body: app.html }],
    ['/app.js', { type: 'text/javascript; charset=utf-8', body: app.js }],
    ['/app.css', { type: 'text/css; charset=utf-8', body: app.css }],
  ]);

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://example').pathname;
    if (path === gatewayUrl.pathname && req.headers.authorization !== undefined) return proxy.forward(req, res);
    // No token (a curl, a script): the owner's, the page's default. The body waits, unread, meanwhile.
    if (path === gatewayUrl.pathname) {
      return void owners().then(
        (authorization) => proxy.forward(Object.assign(req, { headers: { ...req.headers, authorization } }), res),
        () => res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end('The emulator minted no token for the owner.\n'),
      );
    }
    if (path === CALLER_TOKEN_PATH) return answerCallerToken(req, res, upstreams);
    const file = files.get(path);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return notFound(res);
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store', 'content-security-policy': CONTENT_SECURITY_POLICY });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://example').pathname === gatewayUrl.pathname) return proxy.upgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  server.listen(port, host);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;

  return {
    url: new URL(`http://${host.includes(':') ? `[${host}]` : host}:${bound}/`),
    async close() {
      server.close();
      server.closeAllConnections();
      proxy.close();
      await once(server, 'close');
    },
  };
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
}
