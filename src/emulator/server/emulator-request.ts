import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MidBodyFault, RequestBody } from './body-reader';
import { control } from '../control/control-api';
import { noCallerTokens, type CallerTokens } from '../control/caller-tokens';
import { route } from './emulator-routes';
import { faultCode, type Fault, type FaultPlan } from './faults';
import { errorJson } from '../odata/graph-json';
import { GraphTokenRefused, type GraphCaller, type graphTokenCheck } from './graph-token-check';
import { GRAPH_CHALLENGE, GRAPH_CONTENT_TYPE, closeLingering } from './http-edges';
import { HttpError, badRequest } from './http-error';
import { reviewControl } from '../control/review-control';
import { roleControl } from '../control/role-control';
import { routeReview } from '../access-reviews/review-routes';
import { routeRoles } from '../catalog-roles/role-routes';
import type { Answer } from '../upload-sessions/session-handlers';
import { stringClaim, unverifiedClaims } from '../../auth/token-claims';
import { isGuid } from '../../graph/odata/ids';
import type { Worlds } from './worlds';

/** One request the emulator answered, as the control API reports it to tests and developers. */
export interface LoggedRequest {
  /** When the request arrived, and when it was answered or dropped (epoch ms). */
  receivedAt: number;
  at: number;
  method: string;
  path: string;
  query: string;
  clientRequestId: string | undefined;
  /** The `Retry-Attempt` header (Graph's SDKs send it): which retry of one call this is; absent on a call's first attempt. */
  retryAttempt: number | undefined;
  /** A fingerprint of the bearer token (never the token), so tests can tell which credential arrived. */
  tokenFingerprint: string | undefined;
  /** Who the token says is calling, when the emulator checks tokens. */
  caller?: GraphCaller;
  /** The tenant whose world answered (the token's `tid`, else the default tenant). */
  tenant?: string;
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

/** What every request is answered from: the stores, the scripted faults, the request log, the token check. */
export interface EmulatorParts {
  worlds: Worlds;
  faults: FaultPlan;
  requests: LoggedRequest[];
  checkToken: ReturnType<typeof graphTokenCheck>;
  /** The test-only caller-token authority; undefined unless the emulator was asked to mint (never in production). */
  callers: CallerTokens | undefined;
}

/** One request in flight: what it asked, the fault that hits it, and who its token says is calling. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL | undefined;
  isControl: boolean;
  fault: Fault | undefined;
  body: RequestBody;
  requestId: string;
  clientRequestId: string | undefined;
  caller?: GraphCaller;
  tenant?: string;
}

const MAX_LOGGED_REQUESTS = 10_000;
/** A Host header the emulator may echo into links: a name or IP literal and a port, nothing else. */
const PLAIN_HOST = /^(?:[\w.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Answers one request: logged when its connection closes, the scripted fault around the normal answer,
 * Graph's envelope for every failure. With `Expect: 100-continue` (checkContinue), the 100 goes out only
 * when a handler starts reading the body, as Graph's servers do: a request refused on its headers alone
 * never has its body sent.
 */
export function answerRequest(parts: EmulatorParts, req: IncomingMessage, res: ServerResponse, expectsContinue = false): void {
  const url = parseUrl(req.url);
  const isControl = url?.pathname.startsWith('/_emulator/') ?? false;
  const fault = isControl || !url ? undefined : parts.faults.take(req.method ?? '', url.pathname);
  const body = new RequestBody(req, fault?.failAfterBytes, () => expectsContinue && res.writeContinue());
  const exchange: Exchange = { req, res, url, isControl, fault, body, requestId: randomUUID(), clientRequestId: headerValue(req, 'client-request-id') };
  logWhenClosed(parts.requests, exchange);
  handle(parts, exchange).catch((error: unknown) => answerFailure(exchange, error));
}

/** Everything logged is read now: once the socket is destroyed (a reset fault, a client gone) it is gone. */
function logWhenClosed(requests: LoggedRequest[], exchange: Exchange): void {
  const { req, res, url, fault, body } = exchange;
  const entry: Omit<LoggedRequest, 'at' | 'status' | 'bodyBytes'> = {
    receivedAt: Date.now(),
    method: req.method ?? '',
    path: url?.pathname ?? req.url ?? '',
    query: url?.search ?? '',
    clientRequestId: exchange.clientRequestId,
    retryAttempt: attemptNumber(headerValue(req, 'retry-attempt')),
    tokenFingerprint: fingerprint(headerValue(req, 'authorization')),
    traceparent: headerValue(req, 'traceparent'),
    connection: req.socket.remotePort,
    fault: fault?.id,
  };
  res.on('close', () => {
    if (exchange.isControl) return;
    if (requests.length >= MAX_LOGGED_REQUESTS) requests.shift();
    const { caller, tenant } = exchange;
    requests.push({ ...entry, ...(caller && { caller }), ...(tenant && { tenant }), at: Date.now(), status: res.writableFinished ? res.statusCode : 0, bodyBytes: body.bytes });
  });
}

function attemptNumber(header: string | undefined): number | undefined {
  const attempt = Number(header);
  return header === undefined || !Number.isSafeInteger(attempt) ? undefined : attempt;
}

/**
 * The fault that hit the request, if any, around the normal answer. A `failAfterBytes` fault acts while
 * the body flows (RequestBody), so its `status` is not answered up front.
 */
async function handle(parts: EmulatorParts, exchange: Exchange): Promise<void> {
  const { req, res, url, fault, body } = exchange;
  const { worlds, faults, requests } = parts;
  if (!url) throw badRequest('The request target is not a valid URL.');
  if (exchange.isControl) {
    const { store, reviews, directory } = worlds.of(controlTenant(url));
    const callers = parts.callers ? parts.callers.route(req, url, body, ownOrigin(req)) : noCallerTokens(url);
    return reply(exchange, await (callers ?? roleControl(req, url, body, directory) ?? reviewControl(req, url, body, reviews) ?? control(req, url, body, { store, faults, requests })));
  }
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault?.reset === 'before') return void res.destroy();
  if (fault?.status && fault.failAfterBytes === undefined) {
    if (fault.retryAfter !== undefined) res.setHeader('retry-after', fault.retryAfter);
    throw new HttpError(fault.status, faultCode(fault), `Injected fault ${fault.id}.`);
  }
  const authenticate = async (permissions?: readonly string[]) => {
    try {
      exchange.caller = await parts.checkToken(headerValue(req, 'authorization'), headerValue(req, 'host'), permissions);
    } catch (error) {
      if (error instanceof GraphTokenRefused) throw new HttpError(error.status, error.code, error.message);
      throw error;
    }
  };
  const origin = ownOrigin(req);
  // The world is the token's tenant. Read before the token is checked, so routing can refuse first as Graph
  // does; a checked token carries the same `tid`, and an unchecked one is the emulator's own anyway.
  const { store, reviews, directory, tenantId } = worlds.of(tokenTenant(headerValue(req, 'authorization')));
  exchange.tenant = tenantId;
  const caller = (permissions: readonly string[]) => authenticate(permissions).then(() => exchange.caller);
  const answer = await (routeRoles(req, url, { directory, body, authenticate: caller, origin }, worlds.rolePageSize) ??
    routeReview(req, url, { reviews, body, authenticate, origin }) ??
    route(req, url, { store, body, authenticate, origin }));
  // The change is applied: dropping the connection now is Graph doing the work and losing the answer.
  if (fault?.reset === 'after') return void res.destroy();
  reply(exchange, answer, fault?.malformed);
}

function answerFailure(exchange: Exchange, error: unknown): void {
  const { req, res, fault, body } = exchange;
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
  reply(exchange, { status, body: errorJson(code, message, exchange.requestId, exchange.clientRequestId) });
}

function reply(exchange: Exchange, answer: Answer, malformed = false): void {
  send(exchange.res, answer, { requestId: exchange.requestId, clientRequestId: exchange.clientRequestId, malformed });
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

function tokenTenant(authorization: string | undefined): string | undefined {
  const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  return token === undefined ? undefined : stringClaim(unverifiedClaims(token)?.tid);
}

/** The control API acts on the world `?tenant=` names, else the default tenant's. */
function controlTenant(url: URL): string | undefined {
  const tenant = url.searchParams.get('tenant');
  if (tenant !== null && !isGuid(tenant)) throw badRequest('tenant must be a tenant id (a GUID).');
  return tenant ?? undefined;
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
