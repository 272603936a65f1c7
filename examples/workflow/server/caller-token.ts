import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where the page asks for a token: `POST /example/caller-token {"user": "owner" | "reader" | "stranger"}`. */
export const CALLER_TOKEN_PATH = '/example/caller-token';
const USERS = new Set(['owner', 'reader', 'stranger']);
const MAX_BODY = 1024;

export interface CallerTokenSource {
  /** The emulator's Graph root; its control API mints the token (test-only: docs/emulator.md, "Caller tokens"). */
  emulatorUrl: URL;
  /** The gateway's AUTH_AUDIENCE. */
  audience: string;
}

/**
 * A token for one of the seeded users of the seed catalog, minted by the emulator for the gateway's audience:
 * the page's "Signed in as" switcher. A stand-in for signing in with Entra, for development only.
 */
export function answerCallerToken(req: IncomingMessage, res: ServerResponse, source: CallerTokenSource): void {
  if (req.method !== 'POST') return void send(res, 405, { error: 'POST {"user": "owner" | "reader" | "stranger"}' });
  readBody(req)
    .then(async (text) => {
      const user = (JSON.parse(text) as { user?: unknown }).user;
      if (typeof user !== 'string' || !USERS.has(user)) return send(res, 400, { error: 'user must be owner, reader or stranger' });
      const minted = await mint(source, user);
      send(res, minted.ok ? 200 : 502, await minted.json());
    })
    .catch(() => send(res, 400, { error: 'the body must be JSON: {"user": "owner" | "reader" | "stranger"}' }));
}

function mint(source: CallerTokenSource, user: string): Promise<Response> {
  return fetch(new URL('/_emulator/caller-tokens', source.emulatorUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, audience: source.audience }),
  });
}

/**
 * The owner's `Authorization`, for a request to /graphql that carries none (a curl, a script): the page's
 * default user, so the example works without signing in. Reused until a minute before it expires.
 */
export function ownersAuthorization(source: CallerTokenSource): () => Promise<string> {
  let cached: { authorization: string; until: number } | undefined;
  return async () => {
    if (cached && Date.now() < cached.until) return cached.authorization;
    const minted = await mint(source, 'owner');
    const body = (await minted.json()) as { access_token?: unknown; expires_in?: unknown };
    if (!minted.ok || typeof body.access_token !== 'string') throw new Error(`the emulator minted no owner token: HTTP ${minted.status}`);
    cached = { authorization: `Bearer ${body.access_token}`, until: Date.now() + (Number(body.expires_in) - 60) * 1000 };
    return cached.authorization;
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY) req.destroy(new Error('too large'));
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
