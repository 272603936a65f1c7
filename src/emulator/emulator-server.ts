import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MidBodyFault, RequestBody } from './body-reader';
import { control } from './control-api';
import { route } from './emulator-routes';
import { FaultPlan, faultCode } from './faults';
import { errorJson } from './graph-json';
import { GraphTokenRefused, graphTokenCheck, type EmulatorAuth, type GraphCaller } from './graph-token-check';
import { GRAPH_CHALLENGE, GRAPH_CONTENT_TYPE, answerClientError, closeLingering } from './http-edges';
import { HttpError, badRequest } from './http-error';
import { reviewControl } from './review-control';
import { routeReview } from './review-routes';
import { REVIEW_SEED, reviewSeeds } from './review-seed';
import { ReviewStore } from './review-store';
import type { Answer } from './session-handlers';
import { SessionStore } from './session-store';

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
  /** The W3C trace context the caller propagated, if any. */
  traceparent: string | undefined;
  /** The status answered; 0 when the connection was dropped instead. */
  status: number;
  /** The caller's port: a new number means a new connection. */
  connection: number | undefined;
  /** The id of the fault that hit this request. */
  fault: string | undefined;
  /** Bytes of request body the emulator received (read); 0 when it read none. */
  bodyBytes: number;
}

export interface Emulator {
  server: Server;
  store: SessionStore;
  reviews: ReviewStore;
  faults: FaultPlan;
  requests: LoggedRequest[];
  /** Listens and resolves to the Graph base URL (with `/beta`); `/v1.0` is served too, each with its own path shapes. */
  listen(port?: number, host?: string): Promise<URL>;
  close(): Promise<void>;
}

const MAX_LOGGED_REQUESTS = 10_000;
/** A Host header the emulator may echo into links: a name or IP literal and a port, nothing else. */
const PLAIN_HOST = /^(?:[\w.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** A Graph emulator: a real HTTP server answering the upload-session paths as Graph does. */
export function createEmulator({ seed = true, auth }: { seed?: boolean; auth?: EmulatorAuth } = {}): Emulator {
  const store = new SessionStore();
  const reviews = new ReviewStore(store);
  if (seed) {
    store.addSeed();
    store.resources.add(REVIEW_SEED.catalogId, REVIEW_SEED.otherResourceId);
    for (const review of reviewSeeds(Date.now())) reviews.addDefinition(review);
  }
  const requests: LoggedRequest[] = [];
  const faults = new FaultPlan();
  const checkToken = graphTokenCheck(auth);

  // With `Expect: 100-continue` (checkContinue), the 100 goes out only when a handler starts reading the
  // body, as Graph's servers do: a request refused on its headers alone never has its body sent.
  const handleRequest = (req: IncomingMessage, res: ServerResponse, expectsContinue = false): void => {
    // Everything logged is read now: once the socket is destroyed (a reset fault, a client gone) it is gone.
    const requestId = randomUUID();
    const receivedAt = Date.now();
    const clientRequestId = headerValue(req, 'client-request-id');
    const url = parseUrl(req.url);
    const isControl = url?.pathname.startsWith('/_emulator/') ?? false;
    const fault = isControl || !url ? undefined : faults.take(req.method ?? '', url.pathname);
    const body = new RequestBody(req, fault?.failAfterBytes, () => expectsContinue && res.writeContinue());
    const entry: Omit<LoggedRequest, 'at' | 'status' | 'bodyBytes'> = {
      receivedAt,
      method: req.method ?? '',
      path: url?.pathname ?? req.url ?? '',
      query: url?.search ?? '',
      clientRequestId,
      tokenFingerprint: fingerprint(headerValue(req, 'authorization')),
      traceparent: headerValue(req, 'traceparent'),
      connection: req.socket.remotePort,
      fault: fault?.id,
    };
    let caller: GraphCaller | undefined;
    res.on('close', () => {
      if (isControl) return;
      if (requests.length >= MAX_LOGGED_REQUESTS) requests.shift();
      requests.push({ ...entry, ...(caller && { caller }), at: Date.now(), status: res.writableFinished ? res.statusCode : 0, bodyBytes: body.bytes });
    });

    const reply = (answer: Answer, malformed = false) => send(res, answer, { requestId, clientRequestId, malformed });
    const authenticate = async (permissions?: readonly string[]) => {
      try {
        caller = await checkToken(headerValue(req, 'authorization'), headerValue(req, 'host'), permissions);
      } catch (error) {
        if (error instanceof GraphTokenRefused) throw new HttpError(error.status, error.code, error.message);
        throw error;
      }
    };
    // The fault that hit the request, if any, around the normal answer. A `failAfterBytes` fault acts
    // while the body flows (RequestBody), so its `status` is not answered up front.
    const handle = async (): Promise<void> => {
      if (!url) throw badRequest('The request target is not a valid URL.');
      if (isControl) return reply(await (reviewControl(req, url, body, reviews) ?? control(req, url, body, { store, faults, requests })));
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.reset === 'before') return void res.destroy();
      if (fault?.status && fault.failAfterBytes === undefined) {
        if (fault.retryAfter !== undefined) res.setHeader('retry-after', fault.retryAfter);
        throw new HttpError(fault.status, faultCode(fault), `Injected fault ${fault.id}.`);
      }
      const origin = ownOrigin(req);
      const answer = await (routeReview(req, url, { reviews, body, authenticate, origin }) ?? route(req, url, { store, body, authenticate, origin }));
      // The change is applied: dropping the connection now is Graph doing the work and losing the answer.
      if (fault?.reset === 'after') return void res.destroy();
      reply(answer, fault?.malformed);
    };
    handle().catch((error: unknown) => {
      if (res.destroyed || res.headersSent) return;
      if (fault?.reset === 'after') return void res.destroy();
      if (error instanceof MidBodyFault) {
        if (!fault?.status) return void res.destroy();
        if (fault.retryAfter !== undefined) res.setHeader('retry-after', fault.retryAfter);
        error = new HttpError(fault.status, faultCode(fault), `Injected fault ${fault.id} after ${fault.failAfterBytes} body bytes.`);
      }
      if (!req.complete) closeLingering(req, res, body);
      const { status, code, message } = error instanceof HttpError ? error : new HttpError(500, 'generalException', 'Unexpected emulator error.');
      if (status === 401) res.setHeader('www-authenticate', GRAPH_CHALLENGE);
      reply({ status, body: errorJson(code, message, requestId, clientRequestId) });
    });
  };
  const server = createServer(handleRequest);
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => handleRequest(req, res, true));
  server.on('clientError', answerClientError);

  return {
    server,
    store,
    reviews,
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

function send(res: ServerResponse, answer: Answer, ids: { requestId: string; clientRequestId: string | undefined; malformed?: boolean }): void {
  res.statusCode = answer.status;
  res.setHeader('request-id', ids.requestId);
  res.setHeader('client-request-id', ids.clientRequestId ?? ids.requestId);
  res.setHeader('x-ms-ags-diagnostic', JSON.stringify({ ServerInfo: { DataCenter: 'Emulator', Slice: 'E', Ring: '0' } }));
  if (ids.malformed) {
    res.setHeader('content-type', GRAPH_CONTENT_TYPE);
    return void res.end('{"id": "truncated'); // the start of a JSON object that never ends
  }
  if (answer.text !== undefined) {
    res.setHeader('content-type', 'text/plain;charset=utf-8');
    return void res.end(answer.text);
  }
  if (answer.bytes !== undefined) {
    res.setHeader('content-type', 'application/octet-stream');
    return void res.end(answer.bytes);
  }
  if (answer.body === undefined) return void res.end();
  res.setHeader('content-type', GRAPH_CONTENT_TYPE);
  res.end(JSON.stringify(answer.body));
}

function parseUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://emulator');
  } catch {
    return undefined;
  }
}

/**
 * The origin the client reached the emulator at, for the links it answers with (`@odata.context`,
 * `@odata.nextLink`). ASSUMPTION: the request's Host when it is a plain host[:port], else the socket's address.
 */
function ownOrigin(req: IncomingMessage): string {
  const host = headerValue(req, 'host');
  if (host && PLAIN_HOST.test(host)) return `http://${host}`;
  const { localAddress = '127.0.0.1', localPort } = req.socket;
  return `http://${localAddress.includes(':') ? `[${localAddress}]` : localAddress}:${localPort}`;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function fingerprint(authorization: string | undefined): string | undefined {
  const token = authorization?.replace(/^Bearer /i, '');
  return token ? createHash('sha256').update(token).digest('hex').slice(0, 16) : undefined;
}
