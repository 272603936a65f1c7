import type { IncomingMessage } from 'node:http';
import { isGuid } from '../../graph/odata/ids';
import { readJson, type RequestBody } from '../server/body-reader';
import { badRequest } from '../server/http-error';
import { decisionJson } from '../access-reviews/review-json';
import { DECISIONS, oneOf, sameId, type StoredDefinition, type StoredInstance } from '../access-reviews/review-model';
import { reviewNotFound } from '../access-reviews/review-refusals';
import type { DecisionSeed, DefinitionSeed, IdentitySeed } from '../access-reviews/review-seed';
import type { ReviewStore } from '../access-reviews/review-store';
import type { Answer } from '../upload-sessions/session-handlers';

/**
 * The control API's review part under `/_emulator/reviews`, so a test or a demo can play the service and
 * the reviewers (Graph has nothing like it). Undefined when the path is not one of its.
 */
export function reviewControl(req: IncomingMessage, url: URL, body: RequestBody, reviews: ReviewStore): Promise<Answer> | undefined {
  const what = `${req.method} ${url.pathname}`;
  if (what === 'GET /_emulator/reviews') return answer(200, { value: reviews.allDefinitions().map((definition) => summary(reviews, definition)) });
  if (what === 'POST /_emulator/reviews') return readJson(req, body).then((json) => addReview(reviews, json));
  if (what === 'PUT /_emulator/reviews/paging') return readJson(req, body).then((json) => setPaging(reviews, json));
  if (what === 'POST /_emulator/clock') return readJson(req, body).then((json) => moveClock(reviews, json));
  const started = /^POST \/_emulator\/reviews\/([^/]+)\/instances$/.exec(what)?.[1];
  if (started !== undefined) return startInstance(reviews, started);
  const [, instanceId, action] = /^\/_emulator\/reviews\/instances\/([^/]+)(?:\/(advance|decisions|review))?$/.exec(url.pathname) ?? [];
  if (instanceId === undefined) return undefined;
  const instance = reviews.instance(instanceId);
  if (!instance) return Promise.reject(reviewNotFound('instance'));
  switch (`${req.method} ${action ?? ''}`) {
    case 'PATCH ':
      return readJson(req, body).then((json) => setStatus(reviews, instance, json));
    case 'POST advance':
      reviews.advance(instance);
      return answer(200, instanceSummary(reviews, instance));
    case 'POST decisions':
      return readJson(req, body).then((json) => answer(201, { value: reviews.addDecisions(instance, decisionSeeds(json.decisions)).map(decisionJson) }));
    case 'POST review':
      return readJson(req, body).then((json) => review(reviews, instance, json));
    default:
      return undefined;
  }
}

function answer(status: number, body: unknown): Promise<Answer> {
  return Promise.resolve({ status, body });
}

function summary(reviews: ReviewStore, definition: StoredDefinition): Record<string, unknown> {
  const { scope } = definition;
  return {
    id: definition.id,
    displayName: definition.displayName,
    ...(scope.kind === 'catalog' ? { catalogId: scope.catalogId } : { groupId: scope.groupId }),
    instances: reviews.instancesOf(definition.id).map((instance) => instanceSummary(reviews, instance)),
  };
}

function instanceSummary(reviews: ReviewStore, instance: StoredInstance): Record<string, unknown> {
  const { id, definitionId, status, startDateTime, endDateTime } = instance;
  return { id, definitionId, status, startDateTime, endDateTime, decisions: reviews.decisionsOf(instance).length };
}

/** `POST /_emulator/reviews`: a review definition with its instances and their decisions (see review-seed.ts). */
function addReview(reviews: ReviewStore, json: Record<string, unknown>): Promise<Answer> {
  const seed = json as unknown as DefinitionSeed;
  if (typeof seed.displayName !== 'string') throw badRequest('displayName is required.');
  if (seed.id !== undefined && !guid(seed.id)) throw badRequest('id must be a GUID.');
  if (seed.id !== undefined && reviews.definition(seed.id)) throw badRequest(`A review ${seed.id} exists already.`);
  if (!guid(seed.catalogId) === !guid(seed.groupId)) throw badRequest('A review needs a catalogId or a groupId (GUIDs), not both.');
  const instances = seed.instances ?? [];
  if (!Array.isArray(instances)) throw badRequest('instances must be an array.');
  for (const instance of instances) {
    if (instance.id !== undefined && (!guid(instance.id) || reviews.instance(instance.id))) throw badRequest('An instance id must be a new GUID.');
    if (instance.status !== undefined && typeof instance.status !== 'string') throw badRequest('An instance status must be a string.');
    for (const date of [instance.startDateTime, instance.endDateTime]) if (date !== undefined && Number.isNaN(Date.parse(date))) throw badRequest('Dates must be ISO 8601.');
    instance.decisions = decisionSeeds(instance.decisions ?? []);
  }
  return answer(201, summary(reviews, reviews.addDefinition({ ...seed, instances })));
}

function setStatus(reviews: ReviewStore, instance: StoredInstance, json: Record<string, unknown>): Promise<Answer> {
  if (typeof json.status !== 'string' || json.status === '') throw badRequest('status is required: a Graph status string such as InProgress.');
  reviews.setStatus(instance, json.status);
  return answer(200, instanceSummary(reviews, instance));
}

/** Plays reviewer: one decision on the decisions chosen by id, resource and principal (all of the instance's when none is given). */
function review(reviews: ReviewStore, instance: StoredInstance, json: Record<string, unknown>): Promise<Answer> {
  const decision = oneOf(json.decision, DECISIONS);
  if (!decision) throw badRequest(`decision must be one of ${DECISIONS.join(', ')}.`);
  const ids = guidList(json.decisionIds, 'decisionIds');
  const principals = guidList(json.principalIds, 'principalIds');
  const resourceId = json.resourceId;
  if (resourceId !== undefined && !guid(resourceId)) throw badRequest('resourceId must be a GUID.');
  if (json.justification !== undefined && typeof json.justification !== 'string') throw badRequest('justification must be a string.');
  const reviewer = json.reviewer === undefined ? undefined : identitySeed(json.reviewer, 'reviewer');
  const chosen = reviews
    .decisionsOf(instance)
    .filter((candidate) => (!ids || ids.some((id) => sameId(id, candidate.id))) && (!principals || principals.some((id) => sameId(id, candidate.principal.id))))
    .filter((candidate) => resourceId === undefined || sameId(resourceId as string, candidate.resource.id));
  const by = reviewer && { id: reviewer.id, displayName: reviewer.displayName ?? null, userPrincipalName: reviewer.userPrincipalName ?? null };
  reviews.decide(instance, chosen, { decision, justification: (json.justification as string | undefined) ?? null, reviewer: by });
  return answer(200, { value: chosen.map(decisionJson) });
}

/** `POST /_emulator/reviews/{definitionId}/instances`: a new run of a seeded (or added) catalog review, INITIALIZING now. */
function startInstance(reviews: ReviewStore, definitionId: string): Promise<Answer> {
  const definition = reviews.definition(definitionId);
  if (!definition) return Promise.reject(reviewNotFound('definition'));
  if (definition.scope.kind !== 'catalog') throw badRequest('Only a catalog review’s instances start INITIALIZING (waiting for the resource’s data).');
  return answer(201, instanceSummary(reviews, reviews.startInstance(definition)));
}

const MAX_FORWARD_MINUTES = 10 * 366 * 24 * 60;

/** `POST /_emulator/clock` `{"forwardMinutes": n}`: the reviews' times move n minutes back, so a gateway on the real clock sees the time pass. */
function moveClock(reviews: ReviewStore, json: Record<string, unknown>): Promise<Answer> {
  const minutes = json.forwardMinutes;
  // Bounded before any instance moves: a date past JavaScript's range would fail half-way through the reviews.
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_FORWARD_MINUTES) {
    throw badRequest(`forwardMinutes must be a positive number of at most ${MAX_FORWARD_MINUTES} (ten years).`);
  }
  reviews.moveClockForward(minutes * 60_000);
  return answer(200, { forwardMinutes: minutes });
}

function setPaging(reviews: ReviewStore, json: Record<string, unknown>): Promise<Answer> {
  const size = json.maxPageSize;
  if (size !== null && !(Number.isInteger(size) && (size as number) >= 1)) throw badRequest('maxPageSize must be a whole number ≥ 1, or null for none.');
  reviews.maxPageSize = size === null ? undefined : (size as number);
  return answer(200, { maxPageSize: size });
}

function decisionSeeds(value: unknown): DecisionSeed[] {
  if (!Array.isArray(value)) throw badRequest('decisions must be an array.');
  return value.map((seed: DecisionSeed) => {
    identitySeed(seed?.principal, 'principal');
    if (!guid(seed.resource?.id)) throw badRequest('Each decision needs resource.id, a GUID.');
    if (seed.reviewedBy !== undefined) identitySeed(seed.reviewedBy, 'reviewedBy');
    return seed;
  });
}

function identitySeed(value: unknown, name: string): IdentitySeed {
  if (!guid((value as IdentitySeed | undefined)?.id)) throw badRequest(`${name}.id must be a GUID.`);
  return value as IdentitySeed;
}

function guidList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(guid)) throw badRequest(`${name} must be an array of GUIDs.`);
  return value as string[];
}

function guid(value: unknown): value is string {
  return typeof value === 'string' && isGuid(value);
}
