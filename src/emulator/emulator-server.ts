import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isGuid } from '../graph/session-key';
import { FaultInvalidError, FaultPlan, faultCode, type Fault, type FaultSpec } from './faults';
import { errorJson, fileJson, sessionJson } from './graph-json';
import { GraphTokenRefused, graphTokenCheck, type EmulatorAuth, type GraphCaller } from './graph-token-check';
import { SessionStore, type SessionSeed } from './session-store';

/** One request the emulator answered, as the control API reports it to tests and developers. */
export interface LoggedRequest {
  /** When the request arrived, and when it was answered or dropped (epoch ms). */
  receivedAt: number;
  at: number;
  method: string;
  path: string;
  query: string;
  clientRequestId: string | undefined;
  /** A fingerprint of the bearer token (never the token), so tests can tell which credential arrived. */
  tokenFingerprint: string | undefined;
  /** Who the token says is calling, when the emulator checks tokens. */
  caller?: GraphCaller;
  /** The status answered; 0 when the connection was dropped instead. */
  /** The W3C trace context the caller propagated, if any. */
  traceparent: string | undefined;
  status: number;
  /** The caller's port: a new number means a new connection. */
  connection: number | undefined;
  /** The id of the fault that hit this request. */
  fault: string | undefined;
}

export interface Emulator {
  server: Server;
  store: SessionStore;
  faults: FaultPlan;
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
export function createEmulator({ seed = true, auth }: { seed?: boolean; auth?: EmulatorAuth } = {}): Emulator {
  const store = new SessionStore();
  if (seed) store.addSeed();
  const requests: LoggedRequest[] = [];
  const checkToken = graphTokenCheck(auth);

  const faults = new FaultPlan();
  const state: EmulatorState = { store, faults, requests };

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const clientRequestId = headerValue(req, 'client-request-id');
    const url = new URL(req.url ?? '/', 'http://emulator');
    const receivedAt = Date.now();
    let caller: GraphCaller | undefined;
    const isControl = url.pathname.startsWith('/_emulator/');
    const fault = isControl ? undefined : faults.take(req.method ?? '', url.pathname);
    res.on('close', () => {
      if (isControl) return;
      if (requests.length >= MAX_LOGGED_REQUESTS) requests.shift();
      requests.push({
        receivedAt,
        at: Date.now(),
        method: req.method ?? '',
        path: url.pathname,
        query: url.search,
        clientRequestId,
        tokenFingerprint: fingerprint(headerValue(req, 'authorization')),
        ...(caller && { caller }),
        status: res.writableFinished ? res.statusCode : 0,
        connection: req.socket.remotePort,
        fault: fault?.id,
        traceparent: headerValue(req, 'traceparent'),
      });
    });
    const authenticate = async () => {
      try {
        caller = await checkToken(headerValue(req, 'authorization'), headerValue(req, 'host'));
      } catch (error) {
        if (error instanceof GraphTokenRefused) throw new HttpError(error.status, error.code, error.message);
        throw error;
      }
    };
    const reply = (status: number, body: unknown) => send(res, status, body, requestId, clientRequestId);
    answer(req, res, url, state, fault, reply, authenticate).catch((error: unknown) => {
      const { status, code, message } = error instanceof HttpError ? error : new HttpError(500, 'generalException', 'Unexpected emulator error.');
      if (fault?.reset === 'after') return void req.socket.destroy();
      reply(status, errorJson(code, message, requestId, clientRequestId));
    });
  });

  return {
    server,
    store,
    faults,
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

interface EmulatorState {
  store: SessionStore;
  faults: FaultPlan;
  requests: LoggedRequest[];
}

/** Applies the fault that hit the request, if any, around the normal answer. */
async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  state: EmulatorState,
  fault: Fault | undefined,
  reply: (status: number, body: unknown) => void,
  authenticate: () => Promise<void>,
): Promise<void> {
  if (url.pathname.startsWith('/_emulator/')) {
    const { status, body } = await control(req, url, state);
    return reply(status, body);
  }
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault?.reset === 'before') return void req.socket.destroy();
  if (fault?.status) {
    if (fault.retryAfter !== undefined) res.setHeader('retry-after', fault.retryAfter);
    throw new HttpError(fault.status, faultCode(fault), `Injected fault ${fault.id}.`);
  }
  const { status, body } = await route(req, url, state.store, authenticate);
  // The change is applied: dropping the connection now is Graph doing the work and losing the answer.
  if (fault?.reset === 'after') return void req.socket.destroy();
  reply(status, fault?.malformed ? MALFORMED : body);
}

async function route(req: IncomingMessage, url: URL, store: SessionStore, authenticate: () => Promise<void>): Promise<Answer> {
  const match = SESSIONS.exec(url.pathname);
  if (!match) throw new HttpError(400, 'BadRequest', `Resource not found for the segment '${url.pathname.split('/').pop()}'.`);
  await authenticate();
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
async function control(req: IncomingMessage, url: URL, { store, faults, requests }: EmulatorState): Promise<Answer> {
  const what = `${req.method} ${url.pathname}`;
  const faultId = /^DELETE \/_emulator\/faults\/([\w-]+)$/.exec(what)?.[1];
  if (faultId) {
    if (!faults.remove(faultId)) throw new HttpError(404, 'ResourceNotFound', `No fault ${faultId}.`);
    return { status: 204 };
  }
  switch (what) {
    case 'GET /_emulator/faults':
      return { status: 200, body: { value: faults.list() } };
    case 'POST /_emulator/faults':
      try {
        return { status: 201, body: faults.add((await readJson(req)) as FaultSpec) };
      } catch (error) {
        if (error instanceof FaultInvalidError) throw new HttpError(400, 'BadRequest', error.message);
        throw error;
      }
    case 'DELETE /_emulator/faults':
      faults.clear();
      return { status: 204 };
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

/** A body `send` writes as it is: the start of a JSON object that never ends. */
const MALFORMED = Symbol('malformed');

function send(res: ServerResponse, status: number, body: unknown, requestId: string, clientRequestId: string | undefined): void {
  res.statusCode = status;
  res.setHeader('request-id', requestId);
  res.setHeader('client-request-id', clientRequestId ?? requestId);
  res.setHeader('x-ms-ags-diagnostic', JSON.stringify({ ServerInfo: { DataCenter: 'Emulator', Slice: 'E', Ring: '0' } }));
  if (body === undefined) return void res.end();
  res.setHeader('content-type', GRAPH_CONTENT_TYPE);
  res.end(body === MALFORMED ? '{"id": "truncated' : JSON.stringify(body));
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
