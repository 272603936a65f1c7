import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ServerConfig } from '../config';
import { originCheck } from './cors';

const GRAPHQL_PATH = '/graphql';

/** The GraphQL layer's WebSocket endpoint: it takes an admitted upgrade over; `drain` closes every socket with 1001. */
export interface WebSocketUpgrade {
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void;
  drain(): Promise<void>;
}

/**
 * A WebSocket upgrade is a cross-site request CORS never sees (browsers send no preflight for it), so its
 * Origin is checked here by the same rule: an origin CORS would refuse is answered 403, as is any other path
 * (404) and any upgrade while draining (503). A request without Origin is no browser's, and a page of the
 * gateway's own origin is not cross-site.
 */
export function upgradeHandler(config: ServerConfig, isDraining: () => boolean, webSocket: WebSocketUpgrade) {
  const admitted = originCheck({ origins: config.corsOrigins, loopback: config.corsLoopback });
  return (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    const origin = req.headers.origin;
    const sameOrigin = origin !== undefined && URL.canParse(origin) && new URL(origin).host === req.headers.host;
    const path = URL.canParse(req.url ?? '', 'http://gateway') ? new URL(req.url ?? '', 'http://gateway').pathname : undefined;
    const refusal =
      path !== GRAPHQL_PATH ? '404 Not Found'
      : isDraining() ? '503 Service Unavailable'
      : origin !== undefined && !sameOrigin && !admitted(origin) ? '403 Forbidden'
      : undefined;
    if (refusal === undefined) return webSocket.handleUpgrade(req, socket, head);
    socket.end(`HTTP/1.1 ${refusal}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  };
}
