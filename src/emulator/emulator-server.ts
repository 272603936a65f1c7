import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isGuid } from '../graph/session-key';
import { errorJson, fileJson, sessionJson } from './graph-json';
import { SessionStore, type SessionSeed } from './session-store';

/** One request the emulator answered, as the control API reports it to tests and developers. */
export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  query: string;
  clientRequestId: string | undefined;
  /** A fingerprint of the bearer token (never the token), so tests can tell which credential arrived. */
  tokenFingerprint: string | undefined;
  /** The W3C trace context the caller propagated, if any. */
  traceparent: string | undefined;
  status: number;
}

export interface Emulator {
  server: Server;
  store: SessionStore;
  requests: LoggedRequest[];
  /** Listens and resolves to the Graph base URL (with `/beta`). */
  listen(port?: number, host?: string): Promise<URL>;
  close(): Promise<void>;
}

const SESSIONS =
  /^\/(?:beta|v1\.0)\/identityGovernance\/entitlementManagement\/accessPackageCatalogs\/([^/]+)\/accessPackageResources\/([^/]+)\/uploadSessions(?:\/([^/]+))?(\/files)?$/;
const GRAPH_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_LOGGED_REQUESTS = 10_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A Graph emulator: a real HTTP server answering the upload-session paths as Graph does. */
export function createEmulator({ seed = true } = {}): Emulator {
  const store = new SessionStore();
  if (seed) store.addSeed();
  const requests: LoggedRequest[] = [];

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const clientRequestId = headerValue(req, 'client-request-id');
    const url = new URL(req.url ?? '/', 'http://emulator');
    res.on('finish', () => {
      if (url.pathname.startsWith('/_emulator/')) return;
      if (requests.length >= MAX_LOGGED_REQUESTS) requests.shift();
      requests.push({
        at: Date.now(),
        method: req.method ?? '',
        path: url.pathname,
        query: url.search,
        clientRequestId,
        tokenFingerprint: fingerprint(headerValue(req, 'authorization')),
        traceparent: headerValue(req, 'traceparent'),
        status: res.statusCode,
      });
    });
    route(req, url, store, requests)
      .then(({ status, body }) => send(res, status, body, requestId, clientRequestId))
      .catch((error: unknown) => {
        const { status, code, message } = error instanceof HttpError ? error : new HttpError(500, 'generalException', 'Unexpected emulator error.');
        send(res, status, errorJson(code, message, requestId, clientRequestId), requestId, clientRequestId);
      });
  });

  return {
    server,
    store,
    requests,
    async listen(port = 0, host = '127.0.0.1') {
      // exclusive: in a cluster worker the embedded emulator is the worker's own, not a port shared round-robin.
      await new Promise<void>((resolve) => server.listen({ port, host, exclusive: true }, resolve));
      const address = server.address() as AddressInfo;
      const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return new URL(`http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${address.port}/beta`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Answer {
  status: number;
  body?: unknown;
}

async function route(req: IncomingMessage, url: URL, store: SessionStore, requests: LoggedRequest[]): Promise<Answer> {
  if (url.pathname.startsWith('/_emulator/')) return control(req, url, store, requests);

  const match = SESSIONS.exec(url.pathname);
  if (!match) throw new HttpError(400, 'BadRequest', `Resource not found for the segment '${url.pathname.split('/').pop()}'.`);
  authenticate(req);
  const [catalogId, resourceId, sessionId, files] = match.slice(1).map((part) => (part ? decodeURIComponent(part) : part));
  const expandFiles = /(^|,)\s*files\s*(,|$)/.test(url.searchParams.get('$expand') ?? '');

  if (!sessionId) {
    if (req.method !== 'GET') throw methodNotAllowed();
    return { status: 200, body: { value: store.list(catalogId!, resourceId!).map((s) => sessionJson(s, { expandFiles })) } };
  }
  if (![catalogId, resourceId, sessionId].every((id) => isGuid(id!))) {
    throw new HttpError(400, 'BadRequest', 'Invalid id: every key in the path must be a GUID.');
  }
  const key = { catalogId: catalogId!, resourceId: resourceId!, uploadSessionId: sessionId };

  if (req.method === 'GET') {
    const session = store.get(key);
    if (!session) throw notFound();
    if (files) return { status: 200, body: { value: session.files.map(fileJson) } };
    return { status: 200, body: sessionJson(session, { expandFiles }) };
  }
  if (req.method === 'PATCH' && !files) {
    const update = await readJson(req);
    // ASSUMPTION (the docs say only "the only allowed update is to set isUploadDone to true"):
    // anything else, isUploadDone: false included, is refused with 400 and nothing changes.
    if (Object.keys(update).length !== 1 || update.isUploadDone !== true) {
      throw new HttpError(400, 'BadRequest', 'The only allowed update is to set isUploadDone to true.');
    }
    const outcome = store.complete(key);
    switch (outcome.kind) {
      case 'completed':
        return { status: 200, body: sessionJson(outcome.session) };
      case 'not-found':
        throw notFound();
      case 'already-complete':
        throw new HttpError(409, 'uploadSessionAlreadyCompleted', 'The upload session is already complete.');
      case 'expired':
        throw new HttpError(409, 'uploadSessionExpired', 'The upload session has expired.');
    }
  }
  throw methodNotAllowed();
}

/** The emulator's own control API, for tests and frontend developers; Graph has nothing like it. */
async function control(req: IncomingMessage, url: URL, store: SessionStore, requests: LoggedRequest[]): Promise<Answer> {
  const what = `${req.method} ${url.pathname}`;
  switch (what) {
    case 'GET /_emulator/requests':
      return { status: 200, body: { value: requests } };
    case 'DELETE /_emulator/requests':
      requests.length = 0;
      return { status: 204 };
    case 'POST /_emulator/sessions': {
      const seed = (await readJson(req)) as unknown as SessionSeed;
      const ids = [seed.catalogId, seed.resourceId, seed.uploadSessionId ?? randomUUID()];
      if (!ids.every((id) => typeof id === 'string' && isGuid(id))) {
        throw new HttpError(400, 'BadRequest', 'catalogId, resourceId and uploadSessionId (if given) must be GUIDs.');
      }
      const session = store.add(seed);
      return { status: 201, body: { ...session.key, ...sessionJson(session, { expandFiles: true }) } };
    }
    default:
      throw new HttpError(404, 'ResourceNotFound', `The emulator has no ${what}.`);
  }
}

/** Graph refuses a request without a bearer token; the emulator accepts any token otherwise. */
function authenticate(req: IncomingMessage): void {
  const authorization = headerValue(req, 'authorization') ?? '';
  if (!/^Bearer \S+$/i.test(authorization)) {
    throw new HttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!(headerValue(req, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new HttpError(415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'BadRequest', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'BadRequest', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body: unknown, requestId: string, clientRequestId: string | undefined): void {
  res.statusCode = status;
  res.setHeader('request-id', requestId);
  res.setHeader('client-request-id', clientRequestId ?? requestId);
  res.setHeader('x-ms-ags-diagnostic', JSON.stringify({ ServerInfo: { DataCenter: 'Emulator', Slice: 'E', Ring: '0' } }));
  if (body === undefined) return void res.end();
  res.setHeader('content-type', GRAPH_CONTENT_TYPE);
  res.end(JSON.stringify(body));
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function fingerprint(authorization: string | undefined): string | undefined {
  const token = authorization?.replace(/^Bearer /i, '');
  return token ? createHash('sha256').update(token).digest('hex').slice(0, 16) : undefined;
}

function notFound(): HttpError {
  return new HttpError(404, 'ResourceNotFound', 'The upload session was not found.');
}

function methodNotAllowed(): HttpError {
  return new HttpError(405, 'MethodNotAllowed', 'The method is not allowed on this resource.');
}
