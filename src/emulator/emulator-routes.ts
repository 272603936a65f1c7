import type { IncomingMessage } from 'node:http';
import { readJson, type RequestBody } from './body-reader';
import { assertGuids, parseSessionPath } from './emulator-paths';
import { badRequest, methodNotAllowed } from './http-error';
import {
  completeSession,
  countSessions,
  createSession,
  deleteSession,
  getFile,
  getSession,
  listFiles,
  listSessions,
  sessionAnswer,
  type Answer,
  type Place,
} from './session-handlers';
import type { SessionStore } from './session-store';
import { uploadFile } from './upload-handler';

/** What routing one Graph request needs besides the request itself. */
export interface RouteContext {
  store: SessionStore;
  body: RequestBody;
  /** Checks the caller's token; throws Graph's 401/403. */
  authenticate: () => Promise<void>;
  /** The emulator's own origin as the client reached it. */
  origin: string;
}

/** The one table from method and path to handler, for every session path shape and version. */
export async function route(req: IncomingMessage, url: URL, { store, body, authenticate, origin }: RouteContext): Promise<Answer> {
  const path = parseSessionPath(url.pathname);
  if (!path) throw badRequest(`Resource not found for the segment '${url.pathname.split('/').pop()}'.`);
  await authenticate();
  assertGuids(path);
  const place: Place = { origin, path, url };
  const { target } = path;
  const key = 'sessionId' in target ? { catalogId: path.catalogId, resourceId: path.resourceId, uploadSessionId: target.sessionId } : undefined;

  switch (`${req.method} ${target.kind}`) {
    case 'GET collection':
      return listSessions(store, place);
    case 'POST collection':
      return createSession(store, place, await readJson(req, body));
    case 'GET count':
      return countSessions(store, place);
    case 'GET session':
      return getSession(store, place, key!);
    case 'PATCH session':
      return completeSession(store, place, key!, await readJson(req, body));
    case 'DELETE session':
      return deleteSession(store, key!);
    case 'GET files':
      return listFiles(store, place, key!);
    case 'GET file':
      return getFile(store, place, key!, (target as { fileId: string }).fileId);
    case 'POST uploadFile':
      return { status: 200, body: sessionAnswer(await uploadFile(req, body, store, key!), place, { expandFiles: true }) };
    default:
      throw methodNotAllowed();
  }
}
