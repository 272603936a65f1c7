import type { IncomingMessage } from 'node:http';
import { readJson, type RequestBody } from './body-reader';
import { assertGuids, parseSessionPath, unknownSegment, type SessionPath } from '../upload-sessions/session-paths';
import { countFiles, deleteFileContent, getFile, getFileContent, listFiles, putFileContent } from '../upload-sessions/file-handlers';
import { HttpError, methodNotAllowed } from './http-error';
import { assertOptions } from '../odata/odata-query';
import { completeSession, countSessions, createSession, deleteSession, getSession, listSessions, sessionAnswer, type Answer, type Place } from '../upload-sessions/session-handlers';
import type { SessionStore } from '../upload-sessions/session-store';
import { uploadFile } from '../upload-sessions/upload-handler';

/** What routing one Graph request needs besides the request itself. */
export interface RouteContext {
  store: SessionStore;
  body: RequestBody;
  /** Checks the caller's token; throws Graph's 401/403. */
  authenticate: () => Promise<void>;
  /** The emulator's own origin as the client reached it. */
  origin: string;
}

const ENTITY_OPTIONS = ['$select', '$expand'];
const PAGING_OPTIONS = ['$top', '$skip', '$skiptoken', '$count', '$orderby', '$select'];

/**
 * The system query options each operation honours; any other is refused (400), never ignored. `$search`
 * is in Graph's metadata for the sessions collection, but the emulator does not implement it.
 */
const OPTIONS: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries({
    'GET collection': [...PAGING_OPTIONS, '$filter', '$expand'],
    'POST collection': ENTITY_OPTIONS,
    'GET count': ['$filter'],
    'GET session': ENTITY_OPTIONS,
    'PATCH session': ENTITY_OPTIONS,
    'GET files': PAGING_OPTIONS,
    'GET file': ['$select'],
    'POST uploadFile': ENTITY_OPTIONS,
  }).map(([operation, names]) => [operation, new Set(names)]),
);
const NO_OPTIONS: ReadonlySet<string> = new Set();

/** The one table from method and path to handler, for every session path shape and version. */
export async function route(req: IncomingMessage, url: URL, { store, body, authenticate, origin }: RouteContext): Promise<Answer> {
  const parsed = parseSessionPath(url.pathname);
  if ('unknownSegment' in parsed) throw unknownSegment(parsed.unknownSegment);
  const { path } = parsed;
  await authenticate();
  assertGuids(path);
  const place: Place = { origin, path, url, ...resolveResource(store, path) };
  const { target } = path;
  const operation = `${req.method} ${target.kind}`;
  assertOptions(url.searchParams, OPTIONS[operation] ?? NO_OPTIONS);
  const key = 'sessionId' in target ? { catalogId: place.catalogId, resourceId: place.resourceId, uploadSessionId: target.sessionId } : undefined;
  const fileId = 'fileId' in target ? target.fileId : '';

  switch (operation) {
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
    case 'GET filesCount':
      return countFiles(store, key!);
    case 'GET file':
      return getFile(store, place, key!, fileId);
    case 'GET fileContent':
      return getFileContent(store, key!, fileId);
    case 'PUT fileContent':
      return putFileContent(body, store, key!, fileId);
    case 'DELETE fileContent':
      return deleteFileContent(store, key!, fileId);
    case 'POST uploadFile':
      return { status: 200, body: sessionAnswer(await uploadFile(req, body, store, key!), place, { expandFiles: true }) };
    default:
      throw methodNotAllowed();
  }
}

/** Graph answers 404 for a catalog or resource that does not exist (or a resource under another catalog). */
function resolveResource(store: SessionStore, path: SessionPath): { catalogId: string; resourceId: string } {
  const outcome = store.resources.resolve(path.catalogId, path.resourceId);
  if (outcome.kind !== 'found') {
    const missing = outcome.kind === 'catalog-not-found' ? `catalog ${path.catalogId}` : `resource ${path.resourceId}`;
    throw new HttpError(404, 'ResourceNotFound', `The ${missing} was not found.`);
  }
  return { catalogId: outcome.catalogId, resourceId: outcome.resourceId };
}
