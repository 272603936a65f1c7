/** The emulator's access reviews, as it keeps them (Graph's JSON is made from these in review-json.ts). */

export interface Identity {
  id: string;
  displayName: string | null;
  userPrincipalName: string | null;
}

/** A catalog-scope review (the unified route's kind), or another kind only the classic route lists. */
export type DefinitionScope = { kind: 'catalog'; catalogId: string; catalogDisplayName: string } | { kind: 'group'; groupId: string };

export interface StoredDefinition {
  id: string;
  displayName: string;
  createdDateTime: string;
  scope: DefinitionScope;
}

export interface StoredInstance {
  id: string;
  definitionId: string;
  /** Graph's status string as it is sent (`Initializing`, `InProgress`, `Applying`, `Applied`, …). */
  status: string;
  startDateTime: string;
  endDateTime: string;
  /** The upload sessions whose rows are already decisions of this instance. */
  importedSessions: Set<string>;
}

export interface DecisionPermission {
  id: string | null;
  displayName: string | null;
  type: string | null;
  description: string | null;
}

/** The custom data provided resource a decision is about, with its own fields from the CSV row. */
export interface DecisionResource {
  id: string;
  displayName: string | null;
  customData: string | null;
  scopeId: string | null;
  scopeDisplayName: string | null;
}

export interface StoredDecision {
  id: string;
  instanceId: string;
  principal: Identity;
  permission: DecisionPermission;
  resource: DecisionResource;
  /** `Approve`, `Deny`, `NotReviewed`, `DontKnow`. */
  decision: string;
  justification: string | null;
  recommendation: string;
  reviewedBy: Identity | null;
  reviewedDateTime: string | null;
  /** `New` until an apply result is recorded. */
  applyResult: string;
  applyDescription: string | null;
  appliedBy: Identity | null;
  appliedDateTime: string | null;
}

/** The phases of a catalog review with custom data, in order (graph-api-reviews.md §0). */
export const PHASES = ['Initializing', 'InProgress', 'Applying', 'Applied'] as const;

export const DECISIONS = ['Approve', 'Deny', 'NotReviewed', 'DontKnow'] as const;

/** The apply results one may record: Graph's enumeration without `new` and `unknownFutureValue`. */
export const APPLY_RESULTS = ['AppliedSuccessfully', 'AppliedWithUnknownFailure', 'AppliedSuccessfullyButObjectNotFound', 'ApplyNotSupported'] as const;

export const NOT_APPLIED = 'New';

/** Graph's strings are matched whatever their case (`appliedSuccessfully` is the enumeration's spelling). */
export function oneOf(value: unknown, allowed: readonly string[]): string | undefined {
  return typeof value === 'string' ? allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase()) : undefined;
}

export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
