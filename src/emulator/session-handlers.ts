import { isGuid } from '../graph/session-key';
import type { SessionPath } from './emulator-paths';
import { ACCESS_REVIEW_SESSION_TYPE, fileJson, sessionJson, withContext } from './graph-json';
import { HttpError, badRequest, notFound } from './http-error';
import { applySelect, matchesFilter, nextLink, parseEntityQuery, parseFilter, parseListQuery } from './odata-query';
import { CONFLICT_CODES, refusal } from './session-refusals';
import type { SessionData, SessionKey, SessionStore, StoredSession } from './session-store';

/** What a handler answers: JSON, plain text (`$count`) or nothing. */
export interface Answer {
  status: number;
  body?: unknown;
  text?: string;
}

/** The payload types Graph's metadata derives from `accessReviewContextDataBase`. */
const DATA_TYPES = new Set([
  '#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData',
  '#microsoft.graph.customDataProvidedResourcePayloads.applyDecisionContextData',
]);

/** Where the emulator is reached (for `@odata.context` and `@odata.nextLink`), and what the path named. */
export interface Place {
  origin: string;
  path: SessionPath;
  url: URL;
}

function context(place: Place, suffix = ''): string {
  return `${place.origin}/${place.path.version}/$metadata#${place.path.collection}${suffix}`;
}

export function listSessions(store: SessionStore, place: Place): Answer {
  const query = parseListQuery(place.url.searchParams);
  const matching = store.list(place.path.catalogId, place.path.resourceId).filter((session) => matchesFilter(session, query.filter));
  if (query.order === 'desc') matching.reverse();
  const page = matching.slice(query.offset, query.offset + query.top);
  const end = query.offset + page.length;
  return {
    status: 200,
    body: {
      '@odata.context': context(place),
      ...(query.count ? { '@odata.count': matching.length } : {}),
      value: page.map((session) => applySelect(sessionJson(session, query), query.select)),
      ...(end < matching.length ? { '@odata.nextLink': nextLink(new URL(place.url.pathname + place.url.search, place.origin), end) } : {}),
    },
  };
}

export function countSessions(store: SessionStore, place: Place): Answer {
  const filter = parseFilter(place.url.searchParams.get('$filter'));
  const sessions = store.list(place.path.catalogId, place.path.resourceId).filter((session) => matchesFilter(session, filter));
  return { status: 200, text: String(sessions.length) };
}

export function createSession(store: SessionStore, place: Place, json: Record<string, unknown>): Answer {
  const outcome = store.create(place.path.catalogId, place.path.resourceId, toSessionData(json));
  if (outcome.kind === 'exists') {
    throw new HttpError(409, CONFLICT_CODES.alreadyExists, `An upload session (${outcome.session.key.uploadSessionId}) already exists for this review instance and resource.`);
  }
  if (outcome.kind === 'already-complete') {
    throw new HttpError(409, CONFLICT_CODES.alreadyCompleted, `The upload session (${outcome.session.key.uploadSessionId}) for this review instance and resource is already complete.`);
  }
  return { status: 201, body: sessionAnswer(outcome.session, place) };
}

export function getSession(store: SessionStore, place: Place, key: SessionKey): Answer {
  return { status: 200, body: sessionAnswer(existing(store, key), place) };
}

export function completeSession(store: SessionStore, place: Place, key: SessionKey, update: Record<string, unknown>): Answer {
  // ASSUMPTION (the docs say only "the only allowed update is to set isUploadDone to true"):
  // anything else, isUploadDone: false included, is refused with 400 and nothing changes.
  if (Object.keys(update).length !== 1 || update.isUploadDone !== true) {
    throw badRequest('The only allowed update is to set isUploadDone to true.');
  }
  const outcome = store.complete(key);
  if (outcome.kind !== 'completed') throw refusal(outcome.kind);
  return { status: 200, body: withContext(context(place, '/$entity'), sessionJson(outcome.session), outcome.session.shape) };
}

export function deleteSession(store: SessionStore, key: SessionKey): Answer {
  const outcome = store.delete(key);
  if (outcome.kind !== 'deleted') throw refusal(outcome.kind);
  return { status: 204 };
}

export function listFiles(store: SessionStore, place: Place, key: SessionKey): Answer {
  const session = existing(store, key);
  return { status: 200, body: { '@odata.context': context(place, `/${key.uploadSessionId}/files`), value: session.files.map(fileJson) } };
}

export function getFile(store: SessionStore, place: Place, key: SessionKey, fileId: string): Answer {
  const file = existing(store, key).files.find((candidate) => candidate.id.toLowerCase() === fileId.toLowerCase());
  if (!file) throw new HttpError(404, 'ResourceNotFound', 'The file was not found.');
  return { status: 200, body: withContext(context(place, `/${key.uploadSessionId}/files/$entity`), fileJson(file)) };
}

/** A session as Graph answers a read, a create or an upload: `$select` and `$expand=files` honoured. */
export function sessionAnswer(session: StoredSession, place: Place, { expandFiles = false } = {}): Record<string, unknown> {
  const query = parseEntityQuery(place.url.searchParams);
  const json = applySelect(sessionJson(session, { expandFiles: expandFiles || query.expandFiles }), query.select);
  return withContext(context(place, '/$entity'), json, session.shape);
}

function existing(store: SessionStore, key: SessionKey): StoredSession {
  const session = store.get(key);
  if (!session) throw notFound();
  return session;
}

/** The create body Graph documents; anything else is refused before the store is touched. */
function toSessionData(json: Record<string, unknown>): SessionData {
  const unknown = Object.keys(json).find((name) => name !== '@odata.type' && name !== 'data');
  if (unknown !== undefined) throw badRequest(`The property '${unknown}' does not exist on an upload session that can be created.`);
  if (json['@odata.type'] !== ACCESS_REVIEW_SESSION_TYPE) throw badRequest(`@odata.type must be ${ACCESS_REVIEW_SESSION_TYPE}.`);
  const data = json.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw badRequest('data is required: the review the session is for.');
  const { '@odata.type': type, reviewDefinitionId, reviewInstanceId, ...rest } = data as Record<string, unknown>;
  if (typeof type !== 'string' || !DATA_TYPES.has(type)) throw badRequest(`data's @odata.type must be one of ${[...DATA_TYPES].join(', ')}.`);
  if (typeof reviewDefinitionId !== 'string' || !isGuid(reviewDefinitionId)) throw badRequest('data.reviewDefinitionId must be a GUID.');
  if (typeof reviewInstanceId !== 'string' || !isGuid(reviewInstanceId)) throw badRequest('data.reviewInstanceId must be a GUID.');
  if (Object.keys(rest).length > 0) throw badRequest(`The property '${Object.keys(rest)[0]}' does not exist on ${type}.`);
  return { '@odata.type': type, reviewDefinitionId, reviewInstanceId };
}
