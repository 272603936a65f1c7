import { graphEnum } from '../odata/graph-enum';
import { dateTime, optionalString, record, requiredString, UnreadableAnswerError } from '../odata/json-readers';

export enum AccessReviewDecisionValue {
  APPROVE = 'APPROVE',
  DENY = 'DENY',
  NOT_REVIEWED = 'NOT_REVIEWED',
  DONT_KNOW = 'DONT_KNOW',
  UNKNOWN_FUTURE_VALUE = 'UNKNOWN_FUTURE_VALUE',
}

export enum AccessReviewApplyResult {
  NEW = 'NEW',
  APPLIED_SUCCESSFULLY = 'APPLIED_SUCCESSFULLY',
  APPLIED_WITH_UNKNOWN_FAILURE = 'APPLIED_WITH_UNKNOWN_FAILURE',
  APPLIED_SUCCESSFULLY_BUT_OBJECT_NOT_FOUND = 'APPLIED_SUCCESSFULLY_BUT_OBJECT_NOT_FOUND',
  APPLY_NOT_SUPPORTED = 'APPLY_NOT_SUPPORTED',
  UNKNOWN_FUTURE_VALUE = 'UNKNOWN_FUTURE_VALUE',
}

export const DECISION_VALUE = graphEnum(AccessReviewDecisionValue, AccessReviewDecisionValue.UNKNOWN_FUTURE_VALUE);
export const APPLY_RESULT = graphEnum(AccessReviewApplyResult, AccessReviewApplyResult.UNKNOWN_FUTURE_VALUE);

export interface AccessReviewIdentity {
  id: string;
  displayName: string | null;
  userPrincipalName: string | null;
}

export interface AccessReviewPermission {
  id: string | null;
  displayName: string | null;
  type: string | null;
  description: string | null;
}

export interface AccessReviewDecision {
  id: string;
  /** `resource.id`, as Graph wrote it: which resource of the catalog the decision is about. */
  resourceId: string | null;
  decision: AccessReviewDecisionValue;
  applyResult: AccessReviewApplyResult;
  applyDescription: string | null;
  principal: AccessReviewIdentity;
  permission: AccessReviewPermission | null;
  scopeId: string | null;
  scopeDisplayName: string | null;
  customData: string | null;
  reviewedBy: AccessReviewIdentity | null;
  reviewedDateTime: Date | null;
  justification: string | null;
  recommendation: string | null;
}

/** Graph writes "nobody" (not reviewed yet) as an identity with the zero GUID, not as null. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * accessReviewInstanceDecisionItem → the decision as served. The custom data provided resource's own
 * fields (`scopeId`, `scopeDisplayName`, `customData`) are read from `resource`, where
 * accessReviewInstanceDecisionItemCustomDataProvidedResource puts them.
 */
export function toDecision(json: unknown): AccessReviewDecision {
  const body = record(json, 'the decision');
  const resource = body.resource === undefined || body.resource === null ? {} : record(body.resource, 'resource');
  return {
    id: requiredString(body.id, 'id'),
    resourceId: optionalString(resource.id, 'resource.id'),
    decision: DECISION_VALUE.read(body.decision),
    applyResult: APPLY_RESULT.read(body.applyResult),
    applyDescription: optionalString(body.applyDescription, 'applyDescription'),
    principal: toIdentity(body.principal, 'principal') ?? unreadable('principal is missing'),
    permission: toPermission(body.permission),
    scopeId: optionalString(resource.scopeId, 'resource.scopeId'),
    scopeDisplayName: optionalString(resource.scopeDisplayName, 'resource.scopeDisplayName'),
    customData: optionalString(resource.customData, 'resource.customData'),
    reviewedBy: toIdentity(body.reviewedBy, 'reviewedBy'),
    reviewedDateTime: dateTime(body.reviewedDateTime, 'reviewedDateTime'),
    justification: optionalString(body.justification, 'justification'),
    recommendation: optionalString(body.recommendation, 'recommendation'),
  };
}

function unreadable(message: string): never {
  throw new UnreadableAnswerError(message);
}

function toIdentity(value: unknown, name: string): AccessReviewIdentity | null {
  if (value === undefined || value === null) return null;
  const identity = record(value, name);
  const id = requiredString(identity.id, `${name}.id`);
  if (id === NOBODY) return null;
  return {
    id,
    displayName: optionalString(identity.displayName, `${name}.displayName`) || null,
    userPrincipalName: optionalString(identity.userPrincipalName, `${name}.userPrincipalName`) || null,
  };
}

function toPermission(value: unknown): AccessReviewPermission | null {
  if (value === undefined || value === null) return null;
  const permission = record(value, 'permission');
  const field = (key: string) => optionalString(permission[key], `permission.${key}`);
  return { id: field('id'), displayName: field('displayName'), type: field('type'), description: field('description') };
}
