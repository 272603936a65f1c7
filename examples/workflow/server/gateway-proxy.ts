import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';

/** Headers about one connection, not the request: never copied from one hop to the next (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface GatewayProxy {
  forward(req: IncomingMessage, res: ServerResponse): void;
  close(): void;
}

/**
 * Passes /graphql through to the gateway as a stream both ways, so the page and the API share one origin
 * (no CORS to configure) and an uploaded file flows to the gateway as it arrives, never buffered here.
 */
export function createGatewayProxy(gatewayUrl: URL): GatewayProxy {
  const agent = new Agent({ keepAlive: true });
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
    close() {
      agent.destroy();
    },
  };
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
