import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

const ALLOWED_HEADERS =
  'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version, x-request-id, traceparent';

/** A dev server on this machine: plain http on a loopback name, any port. */
const LOOPBACK_HTTP_ORIGIN = /^http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/;

/** Origins named in the log are remembered so each is logged once; a bound, as any client can send any Origin. */
const MAX_LOGGED_ORIGINS = 100;

export interface CorsOptions {
  origins: readonly string[];
  /** Allow any `http://localhost:*` / `http://127.0.0.1:*` origin as well (emulator mode's default). */
  loopback: boolean;
  logger: Logger;
}

/** Whether CORS admits an origin: the one rule for fetches and WebSocket upgrades alike. */
export function originCheck({ origins, loopback }: Pick<CorsOptions, 'origins' | 'loopback'>): (origin: string) => boolean {
  const listed = new Set(origins);
  return (origin) => listed.has(origin) || (loopback && LOOPBACK_HTTP_ORIGIN.test(origin));
}

/**
 * Sets CORS headers for an allowed origin; any other gets none, so its browser blocks the answer.
 * Credentials are allowed because every origin is named (config refuses a wildcard; loopback origins
 * are this machine's own pages). Returns true when the request was a preflight and has been answered.
 */
export function createCors({ origins, loopback, logger }: CorsOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const logged = new Set<string>();
  const isAllowed = originCheck({ origins, loopback });

  // A browser reports a refused preflight only as "Failed to fetch": the gateway's log says which variable admits it.
  const logRefused = (origin: string) => {
    if (logged.has(origin) || logged.size >= MAX_LOGGED_ORIGINS) return;
    logged.add(origin);
    logger.warn({ origin }, 'CORS preflight refused: this origin is not allowed; list it in CORS_ORIGINS (comma-separated) to let its pages call the gateway');
  };

  return (req, res) => {
    const origin = req.headers.origin;
    res.setHeader('vary', 'Origin');
    const allowed = origin !== undefined && isAllowed(origin);
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-expose-headers', 'x-request-id, www-authenticate');
    }
    if (req.method !== 'OPTIONS') return false;
    if (allowed) {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      res.setHeader('access-control-max-age', '600');
    } else if (origin !== undefined) {
      logRefused(origin);
    }
    res.statusCode = 204;
    res.end();
    return true;
  };
}
