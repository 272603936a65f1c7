import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayProxy } from './gateway-proxy';
import type { AppFiles } from './bundle-app';

export interface ExampleServer {
  url: URL;
  close(): Promise<void>;
}

// The page may load only what this server serves: the browser itself refuses any CDN or other host.
const CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Serves the app's three files and passes /graphql (HTTP and WebSocket) through to the gateway; everything else is 404. */
export async function startExampleServer(app: AppFiles, gatewayUrl: URL, port: number, host: string): Promise<ExampleServer> {
  const proxy = createGatewayProxy(gatewayUrl);
  const files = new Map([
    ['/', { type: 'text/html; charset=utf-8', body: app.html }],
    ['/app.js', { type: 'text/javascript; charset=utf-8', body: app.js }],
    ['/app.css', { type: 'text/css; charset=utf-8', body: app.css }],
  ]);

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://example').pathname;
    if (path === gatewayUrl.pathname) return proxy.forward(req, res);
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
