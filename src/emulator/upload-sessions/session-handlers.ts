import { isGuid } from '../../graph/odata/ids';
import type { SessionPath } from './session-paths';
import { ACCESS_REVIEW_SESSION_TYPE, ALL_FILES, sessionJson, withContext } from '../odata/graph-json';
import { badRequest, echo, notFound } from '../server/http-error';
import { SESSION_TYPE, sortBy, type Value } from '../odata/odata-order';
import { applySelect, collectionPage, matchesFilter, parseEntityQuery, parseFilter, parseListQuery } from '../odata/odata-query';
import { assumedRefusal, refusal } from './session-refusals';
import type { SessionData, SessionKey, SessionStore, StoredSession } from './session-store';

/** What a handler answers: JSON, plain text (`$count`), bytes (`$value`) or nothing. */
export interface Answer {
  status: number;
  body?: unknown;
  text?: string;
  bytes?: Buffer;
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
  /** The resource the path names, its catalog resolved (the path may name none). */
  catalogId: string;
  resourceId: string;
}

export function context(place: Place, suffix = ''): string {
  return `${place.origin}/${place.path.version}/$metadata#${place.path.collection}${suffix}`;
}

export function listSessions(store: SessionStore, place: Place): Answer {
  const query = parseListQuery(place.url.searchParams);
  const matching = store.list(place.catalogId, place.resourceId).filter((session) => matchesFilter(session, query.filter));
  const ordered = sortBy(matching, query.order, SESSION_TYPE, sessionValue);
  const { count, page, nextLink } = collectionPage(ordered, query, requestUrl(place));
  return {
    status: 200,
    body: {
      '@odata.context': context(place),
      ...(count !== undefined && { '@odata.count': count }),
      value: page.map((session) => applySelect(sessionJson(session, query.expand), query.select)),
      ...(nextLink && { '@odata.nextLink': nextLink }),
    },
  };
}

export function countSessions(store: SessionStore, place: Place): Answer {
  const filter = parseFilter(place.url.searchParams.get('$filter'));
  const sessions = store.list(place.catalogId, place.resourceId).filter((session) => matchesFilter(session, filter));
  return { status: 200, text: String(sessions.length) };
}

export function createSession(store: SessionStore, place: Place, json: Record<string, unknown>): Answer {
  const outcome = store.create(place.catalogId, place.resourceId, toSessionData(json));
  if (outcome.kind === 'exists') {
    throw assumedRefusal('createWhileActive', `An upload session (${outcome.session.key.uploadSessionId}) already exists for this review instance and resource.`);
  }
  if (outcome.kind === 'already-complete') {
    throw assumedRefusal('createWhenCompleted', `The upload session (${outcome.session.key.uploadSessionId}) for this review instance and resource is already complete.`);
  }
  // Graph's create answer carries the (empty) files, as its v1.0 example shows.
  return { status: 201, body: sessionAnswer(outcome.session, place, { expandFiles: true }) };
}

export function getSession(store: SessionStore, place: Place, key: SessionKey): Answer {
  return { status: 200, body: sessionAnswer(existing(store, key), place) };
}

export function completeSession(store: SessionStore, place: Place, key: SessionKey, body: Record<string, unknown>): Answer {
  // Graph ignores annotations in a body (the `@odata.type` an SDK hands back from a get, among others).
  const update = Object.fromEntries(Object.entries(body).filter(([name]) => !name.includes('@')));
  // The docs say only "the only allowed update is to set isUploadDone to true": anything else is refused, nothing changes.
  if (Object.keys(update).length !== 1 || update.isUploadDone !== true) {
    throw assumedRefusal('otherUpdate', 'The only allowed update is to set isUploadDone to true.');
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

/** A session as Graph answers a read, a create or an upload: `$select` and `$expand=files(…)` honoured. */
export function sessionAnswer(session: StoredSession, place: Place, { expandFiles = false } = {}): Record<string, unknown> {
  const query = parseEntityQuery(place.url.searchParams);
  const json = applySelect(sessionJson(session, query.expand ?? (expandFiles ? ALL_FILES : undefined)), query.select);
  return withContext(context(place, '/$entity'), json, session.shape);
}

export function existing(store: SessionStore, key: SessionKey): StoredSession {
  const session = store.get(key);
  if (!session) throw notFound();
  return session;
}

/** The request's own URL on the emulator's origin, for nextLinks. */
export function requestUrl(place: Place): URL {
  return new URL(place.url.pathname + place.url.search, place.origin);
}

function sessionValue(session: StoredSession, property: string): Value {
  return property === 'id' ? session.key.uploadSessionId : (session[property as keyof StoredSession] as Value);
}

/** The create body Graph documents; anything else is refused before the store is touched. */
function toSessionData(json: Record<string, unknown>): SessionData {
  const unknown = Object.keys(json).find((name) => name !== '@odata.type' && name !== 'data');
  if (unknown !== undefined) throw badRequest(`The property '${echo(unknown)}' does not exist on an upload session that can be created.`);
  if (json['@odata.type'] !== ACCESS_REVIEW_SESSION_TYPE) throw badRequest(`@odata.type must be ${ACCESS_REVIEW_SESSION_TYPE}.`);
  const data = json.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw badRequest('data is required: the review the session is for.');
  const { '@odata.type': type, reviewDefinitionId, reviewInstanceId, ...rest } = data as Record<string, unknown>;
  if (typeof type !== 'string' || !DATA_TYPES.has(type)) throw badRequest(`data's @odata.type must be one of ${[...DATA_TYPES].join(', ')}.`);
  if (typeof reviewDefinitionId !== 'string' || !isGuid(reviewDefinitionId)) throw badRequest('data.reviewDefinitionId must be a GUID.');
  if (typeof reviewInstanceId !== 'string' || !isGuid(reviewInstanceId)) throw badRequest('data.reviewInstanceId must be a GUID.');
  if (Object.keys(rest).length > 0) throw badRequest(`The property '${echo(Object.keys(rest)[0]!)}' does not exist on ${type}.`);
  return { '@odata.type': type, reviewDefinitionId, reviewInstanceId };
}
