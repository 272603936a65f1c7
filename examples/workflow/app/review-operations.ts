// The review loop's operations, typed by hand after the contract's schema ("The review loop").
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql/language/parser';

export type AccessReviewStatus =
  | 'INITIALIZING' | 'NOT_STARTED' | 'STARTING' | 'IN_PROGRESS' | 'COMPLETING' | 'COMPLETED'
  | 'AUTO_REVIEWING' | 'AUTO_REVIEWED' | 'APPLYING' | 'APPLIED' | 'UNKNOWN_FUTURE_VALUE';
export type AccessReviewDecisionValue = 'APPROVE' | 'DENY' | 'NOT_REVIEWED' | 'DONT_KNOW' | 'UNKNOWN_FUTURE_VALUE';
export type AccessReviewApplyResult =
  | 'NEW' | 'APPLIED_SUCCESSFULLY' | 'APPLIED_WITH_UNKNOWN_FAILURE' | 'APPLIED_SUCCESSFULLY_BUT_OBJECT_NOT_FOUND'
  | 'APPLY_NOT_SUPPORTED' | 'UNKNOWN_FUTURE_VALUE';

export interface AccessReviewItemFragment {
  id: string;
  reviewDefinitionId: string;
  displayName: string | null;
  status: AccessReviewStatus;
  startDateTime: string | null;
  endDateTime: string | null;
  uploadDeadline: string | null;
  needsUpload: boolean;
  uploadSession: { id: string; status: string; isUploadDone: boolean } | null;
}

export interface AccessReviewDecisionItemFragment {
  id: string;
  decision: AccessReviewDecisionValue;
  applyResult: AccessReviewApplyResult;
  applyDescription: string | null;
  principal: { id: string; displayName: string | null; userPrincipalName: string | null };
  permission: { id: string | null; displayName: string | null; type: string | null } | null;
  scopeDisplayName: string | null;
  justification: string | null;
  reviewedBy: { id: string; displayName: string | null } | null;
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** The four ids every decision read or write names. */
export interface ReviewIds {
  catalogId: string;
  resourceId: string;
  reviewDefinitionId: string;
  reviewInstanceId: string;
}

const ITEM = `fragment AccessReviewItem on AccessReviewInstance {
  id reviewDefinitionId displayName status startDateTime endDateTime uploadDeadline needsUpload
  uploadSession { id status isUploadDone }
}`;

const DECISION = `fragment AccessReviewDecisionItem on AccessReviewDecision {
  id decision applyResult applyDescription
  principal { id displayName userPrincipalName }
  permission { id displayName type }
  scopeDisplayName justification
  reviewedBy { id displayName }
}`;

export const AccessReviewsDocument = parse(`query AccessReviews($catalogId: ID!, $resourceId: ID!, $first: Int, $after: String, $filter: AccessReviewFilter) {
  accessReviews(catalogId: $catalogId, resourceId: $resourceId, first: $first, after: $after, filter: $filter) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ...AccessReviewItem } }
  }
}
${ITEM}`) as TypedDocumentNode<
  { accessReviews: { pageInfo: PageInfo; edges: { cursor: string; node: AccessReviewItemFragment }[] } },
  { catalogId: string; resourceId: string; first?: number | null; after?: string | null; filter?: { status?: AccessReviewStatus; needsUpload?: boolean } | null }
>;

export const AccessReviewDecisionsDocument = parse(`query AccessReviewDecisions($input: AccessReviewDecisionsInput!, $first: Int, $after: String) {
  accessReviewDecisions(input: $input, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ...AccessReviewDecisionItem } }
  }
}
${DECISION}`) as TypedDocumentNode<
  { accessReviewDecisions: { totalCount: number | null; pageInfo: PageInfo; edges: { cursor: string; node: AccessReviewDecisionItemFragment }[] } },
  { input: ReviewIds & { decision?: AccessReviewDecisionValue | null; applyResult?: AccessReviewApplyResult | null }; first?: number | null; after?: string | null }
>;

export const ApplyAccessReviewDecisionsDocument = parse(`mutation ApplyAccessReviewDecisions($input: ApplyAccessReviewDecisionsInput!) {
  applyAccessReviewDecisions(input: $input) { reviewInstanceId accepted }
}`) as TypedDocumentNode<
  { applyAccessReviewDecisions: { reviewInstanceId: string; accepted: boolean } },
  { input: ReviewIds & { applyResult: AccessReviewApplyResult; applyDescription?: string | null } }
>;

export const RecordAccessReviewDecisionAppliedDocument = parse(`mutation RecordAccessReviewDecisionApplied($input: RecordAccessReviewDecisionAppliedInput!) {
  recordAccessReviewDecisionApplied(input: $input) { ...AccessReviewDecisionItem }
}
${DECISION}`) as TypedDocumentNode<
  { recordAccessReviewDecisionApplied: AccessReviewDecisionItemFragment },
  { input: ReviewIds & { decisionId: string; applyResult: AccessReviewApplyResult; applyDescription?: string | null } }
>;
