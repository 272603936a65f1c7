import { isGuid } from '../../graph/odata/ids';
import { badRequest } from '../server/http-error';
import { collectionPage } from '../odata/odata-query';
import { decisionJson, definitionJson, instanceJson } from './review-json';
import { APPLY_RESULTS, DECISIONS, oneOf, sameId, type StoredDecision, type StoredDefinition, type StoredInstance } from './review-model';
import type { ReviewPath } from './review-paths';
import { matchesReviewFilter, parseReviewEntityQuery, parseReviewListQuery, selectProperties, type ReviewListQuery } from './review-query';
import { reviewNotFound } from './review-refusals';
import type { ReviewStore } from './review-store';
import type { Answer } from '../upload-sessions/session-handlers';

/**
 * ASSUMPTION (only the how-to documents setting applyResult by PATCH, with no answer): 204 No Content, as
 * Graph documents for the same PATCH of `decision` and `justification`. 200 answers the decision instead.
 */
export const APPLY_PATCH_STATUS: 200 | 204 = 204;

/** Where the emulator is reached, and what the path named. */
export interface ReviewPlace {
  origin: string;
  path: ReviewPath;
  url: URL;
}

export function listDefinitions(reviews: ReviewStore, place: ReviewPlace): Answer {
  const query = parseReviewListQuery(place.url.searchParams, 'definitions');
  // ASSUMPTION: the unified route lists catalog reviews only (its page says it is their entry point); the classic route lists every review.
  const definitions = reviews.allDefinitions().filter((definition) => !place.path.unified || definition.scope.kind === 'catalog');
  return listAnswer(reviews, place, query, definitions, definitionJson);
}

export function getDefinition(reviews: ReviewStore, place: ReviewPlace): Answer {
  return entityAnswer(place, definitionJson(definitionOf(reviews, place.path)));
}

export function listInstances(reviews: ReviewStore, place: ReviewPlace): Answer {
  const query = parseReviewListQuery(place.url.searchParams, 'instances');
  const definition = definitionOf(reviews, place.path);
  const instances = reviews.instancesOf(definition.id).filter((instance) => matchesReviewFilter({ ...NO_VALUES, status: instance.status }, query.filter));
  if (query.order) {
    const { property, descending } = query.order;
    instances.sort((a, b) => (Date.parse(a[property]) - Date.parse(b[property])) * (descending ? -1 : 1));
  }
  return listAnswer(reviews, place, query, instances, (instance) => instanceJson(instance, definition));
}

export function getInstance(reviews: ReviewStore, place: ReviewPlace): Answer {
  const { instance, definition } = instanceOf(reviews, place.path);
  return entityAnswer(place, instanceJson(instance, definition));
}

export function listDecisions(reviews: ReviewStore, place: ReviewPlace): Answer {
  const query = parseReviewListQuery(place.url.searchParams, 'decisions');
  const { instance } = instanceOf(reviews, place.path);
  const decisions = reviews.decisionsOf(instance).filter((decision) => matchesReviewFilter(filterValues(decision), query.filter));
  return listAnswer(reviews, place, query, decisions, decisionJson);
}

export function getDecision(reviews: ReviewStore, place: ReviewPlace): Answer {
  const { instance } = instanceOf(reviews, place.path);
  return entityAnswer(place, decisionJson(reviews.decision(instance, place.path.decisionId!)));
}

/**
 * PATCH of one decision: a reviewer's `decision` and `justification` (Graph's page: 204), or the owner's
 * `applyResult` and `applyDescription` (the how-to). ASSUMPTION: one request sets one or the other, not both.
 */
export function patchDecision(reviews: ReviewStore, place: ReviewPlace, json: Record<string, unknown>): Answer {
  const { instance } = instanceOf(reviews, place.path);
  const decision = reviews.decision(instance, place.path.decisionId!);
  const update = withoutAnnotations(json);
  const names = Object.keys(update);
  const reviewing = names.some((name) => name === 'decision' || name === 'justification');
  if (reviewing) {
    allowOnly(update, ['decision', 'justification']);
    const value = update.decision === undefined ? decision.decision : oneOf(update.decision, DECISIONS);
    if (!value) throw badRequest(`decision must be one of ${DECISIONS.join(', ')}.`);
    reviews.decide(instance, [decision], { decision: value, justification: optionalText(update.justification, 'justification') ?? decision.justification, reviewer: undefined });
    return { status: 204 };
  }
  allowOnly(update, ['applyResult', 'applyDescription']);
  reviews.applyResult(instance, [decision], applyOutcome(update));
  return APPLY_PATCH_STATUS === 204 ? { status: 204 } : entityAnswer(place, decisionJson(decision));
}

/** `batchApplyCustomDataProvidedResourceDecisions`: one apply result on every decision of the resource; 202, no body. */
export function batchApply(reviews: ReviewStore, place: ReviewPlace, json: Record<string, unknown>): Answer {
  const { instance } = instanceOf(reviews, place.path);
  const body = withoutAnnotations(json);
  allowOnly(body, ['applyResult', 'applyDescription', 'customDataProvidedResourceId']);
  const resourceId = body.customDataProvidedResourceId;
  if (typeof resourceId !== 'string' || !isGuid(resourceId)) throw badRequest('customDataProvidedResourceId must be a GUID.');
  const outcome = applyOutcome(body);
  reviews.applyResult(instance, reviews.decisionsOf(instance).filter((decision) => sameId(decision.resource.id, resourceId)), outcome);
  return { status: 202 };
}

const NO_VALUES = { status: undefined, decision: undefined, applyResult: undefined, resourceId: undefined, principalId: undefined };

function filterValues(decision: StoredDecision) {
  return { ...NO_VALUES, decision: decision.decision, applyResult: decision.applyResult, resourceId: decision.resource.id, principalId: decision.principal.id };
}

/** The definition the path names; on the unified route only a catalog review is found. */
function definitionOf(reviews: ReviewStore, path: ReviewPath): StoredDefinition {
  const definition = reviews.definition(path.definitionId!);
  if (!definition || (path.unified && definition.scope.kind !== 'catalog')) throw reviewNotFound('definition');
  return definition;
}

/** The instance the path names, which must belong to the definition the path names (if it names one). */
function instanceOf(reviews: ReviewStore, path: ReviewPath): { instance: StoredInstance; definition: StoredDefinition } {
  const instance = reviews.instance(path.instanceId!);
  if (path.definitionId !== undefined) {
    const definition = definitionOf(reviews, path);
    if (!instance || !sameId(instance.definitionId, definition.id)) throw reviewNotFound('instance');
    return { instance, definition };
  }
  const definition = instance && reviews.definition(instance.definitionId);
  if (!instance || !definition || definition.scope.kind !== 'catalog') throw reviewNotFound('instance');
  return { instance, definition };
}

function applyOutcome(body: Record<string, unknown>): { applyResult: string; applyDescription: string | null } {
  const applyResult = oneOf(body.applyResult, APPLY_RESULTS);
  if (!applyResult) throw badRequest(`applyResult must be one of ${APPLY_RESULTS.map((value) => value[0]!.toLowerCase() + value.slice(1)).join(', ')}.`);
  return { applyResult, applyDescription: optionalText(body.applyDescription, 'applyDescription') ?? null };
}

function optionalText(value: unknown, name: string): string | null | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw badRequest(`${name} must be a string.`);
}

/** Graph ignores annotations in a body (`@odata.type` as a get handed it back). */
function withoutAnnotations(json: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(json).filter(([name]) => !name.startsWith('@')));
}

function allowOnly(json: Record<string, unknown>, names: readonly string[]): void {
  const unknown = Object.keys(json).find((name) => !names.includes(name));
  if (unknown !== undefined) throw badRequest(`The property '${unknown}' cannot be set here; allowed: ${names.join(', ')}.`);
}

function context(place: ReviewPlace, suffix = ''): string {
  return `${place.origin}/${place.path.version}/$metadata#${place.path.context}${suffix}`;
}

function entityAnswer(place: ReviewPlace, json: Record<string, unknown>): Answer {
  return { status: 200, body: { '@odata.context': context(place, '/$entity'), ...selectProperties(json, parseReviewEntityQuery(place.url.searchParams)) } };
}

/** One page, Graph's way: `$top` is the page size (capped by the server's), `@odata.nextLink` carries the rest. */
function listAnswer<T>(reviews: ReviewStore, place: ReviewPlace, query: ReviewListQuery, items: T[], json: (item: T) => Record<string, unknown>): Answer {
  const top = Math.min(query.top, reviews.maxPageSize ?? query.top);
  const { count, page, nextLink } = collectionPage(items, { ...query, top, order: [] }, new URL(place.url.pathname + place.url.search, place.origin));
  return {
    status: 200,
    body: {
      '@odata.context': context(place),
      ...(count !== undefined && { '@odata.count': count }),
      value: page.map((item) => selectProperties(json(item), query.select)),
      ...(nextLink && { '@odata.nextLink': nextLink }),
    },
  };
}
