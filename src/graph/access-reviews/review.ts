import { graphEnum } from '../odata/graph-enum';
import { idKey, type Guid } from '../odata/ids';
import { dateTime, optionalString, record, requiredString, UnreadableAnswerError } from '../odata/json-readers';

export enum AccessReviewStatus {
  INITIALIZING = 'INITIALIZING',
  NOT_STARTED = 'NOT_STARTED',
  STARTING = 'STARTING',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETING = 'COMPLETING',
  COMPLETED = 'COMPLETED',
  AUTO_REVIEWING = 'AUTO_REVIEWING',
  AUTO_REVIEWED = 'AUTO_REVIEWED',
  APPLYING = 'APPLYING',
  APPLIED = 'APPLIED',
  UNKNOWN_FUTURE_VALUE = 'UNKNOWN_FUTURE_VALUE',
}

export const REVIEW_STATUS = graphEnum(AccessReviewStatus, AccessReviewStatus.UNKNOWN_FUTURE_VALUE);

/**
 * ASSUMPTION: the upload window closes two hours after the instance's `startDateTime`. Microsoft documents
 * the window ("upload within 2 h of entering Initializing") but no timestamp for entering Initializing;
 * the scheduled start is the nearest one Graph gives.
 */
export const UPLOAD_WINDOW_MS = 2 * 60 * 60 * 1000;

/** A review definition as far as the loop needs it: its name and the catalogs its scope names. */
export interface AccessReviewDefinition {
  id: string;
  displayName: string | null;
  /** The `resourceScopes[]` whose `scopeType` is `catalog`, as keys (ids.ts, idKey). */
  catalogIds: string[];
}

export interface AccessReviewInstance {
  id: string;
  reviewDefinitionId: string;
  displayName: string | null;
  status: AccessReviewStatus;
  startDateTime: Date | null;
  endDateTime: Date | null;
  uploadDeadline: Date | null;
  /** The catalogs the instance's own scope (copied from its definition) names; empty when Graph sent none. */
  catalogIds: string[];
}

/** accessReviewScheduleDefinition → the definition, its catalogs read from `scope.resourceScopes[]`. */
export function toDefinition(json: unknown): AccessReviewDefinition {
  const body = record(json, 'the definition');
  return { id: requiredString(body.id, 'id'), displayName: optionalString(body.displayName, 'displayName'), catalogIds: catalogsOf(body.scope) };
}

/** accessReviewInstance → the instance as served, named after its definition. */
export function toInstance(json: unknown, definition: AccessReviewDefinition): AccessReviewInstance {
  const body = record(json, 'the instance');
  const status = REVIEW_STATUS.read(body.status);
  const startDateTime = dateTime(body.startDateTime, 'startDateTime');
  return {
    id: requiredString(body.id, 'id'),
    reviewDefinitionId: definition.id,
    displayName: definition.displayName,
    status,
    startDateTime,
    endDateTime: dateTime(body.endDateTime, 'endDateTime'),
    uploadDeadline: status === AccessReviewStatus.INITIALIZING && startDateTime ? new Date(startDateTime.getTime() + UPLOAD_WINDOW_MS) : null,
    catalogIds: catalogsOf(body.scope),
  };
}

export function reviewsCatalog(scoped: { catalogIds: string[] }, catalogId: Guid): boolean {
  return scoped.catalogIds.includes(catalogId);
}

/**
 * `scope.resourceScopes[]` entries with `scopeType` `catalog` (graph-api-reviews.md §1): the unified
 * route's principalResourceMembershipsScope and the classic accessReviewResourceScope both carry them. A
 * scope of another kind (a group's query scope) names no catalog.
 */
function catalogsOf(scope: unknown): string[] {
  if (scope === undefined || scope === null) return [];
  const resourceScopes = record(scope, 'scope').resourceScopes;
  if (resourceScopes === undefined || resourceScopes === null) return [];
  if (!Array.isArray(resourceScopes)) throw new UnreadableAnswerError('scope.resourceScopes is not a list');
  return resourceScopes.flatMap((item, index) => {
    const entry = record(item, `scope.resourceScopes[${index}]`);
    const isCatalog = typeof entry.scopeType === 'string' && entry.scopeType.toLowerCase() === 'catalog';
    return isCatalog && typeof entry.resourceId === 'string' ? [idKey(entry.resourceId)] : [];
  });
}
