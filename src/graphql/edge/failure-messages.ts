import type { InputProblem } from '../../graph/odata/invalid-input';
import type { GraphFailure, GraphSubject } from '../../graph/transport/graph-failure';
import { ErrorCode } from './error-code';

/**
 * Every sentence a caller reads about a refused input or a failed Graph call: the layers below report facts
 * (graph/odata/invalid-input.ts, graph/transport/graph-failure.ts), and only this module words them. Graph's
 * own text is never passed on: it can carry tenant detail.
 */

export const PUBLIC_MESSAGES: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'Microsoft Graph rejected the request as invalid.',
  UNAUTHENTICATED: 'Microsoft Graph did not accept the credentials.',
  FORBIDDEN: 'Microsoft Graph refused access: the permission or the catalog role is missing.',
  NOT_FOUND: 'Microsoft Graph did not find what was asked for.',
  CONFLICT: 'Microsoft Graph refused the change in the session’s current state.',
  THROTTLED: 'Microsoft Graph is throttling requests; retry later.',
  UPSTREAM_UNAVAILABLE: 'Microsoft Graph is unavailable; retry later.',
  UPSTREAM_TIMEOUT: 'Microsoft Graph did not answer in time.',
  UPSTREAM_ERROR: 'Microsoft Graph failed or sent an answer the gateway cannot read.',
  INTERNAL_SERVER_ERROR: 'Internal server error.',
};

const NOT_FOUND: Record<GraphSubject, string> = {
  'upload session': 'The upload session was not found.',
  resource: 'The catalog or its resource was not found: Microsoft Graph knows no such resource in that catalog.',
  'review definitions': 'Microsoft Graph found no access review definitions to read.',
  'review definition': 'The access review definition was not found.',
  'review instance': 'The access review instance was not found in that definition.',
  decisions: 'The decisions of that access review instance were not found.',
  decision: 'The decision was not found in that access review instance.',
  'catalog role assignments': "Microsoft Graph found no role assignments to read for the catalog, so the caller's catalog role cannot be checked.",
  'group membership': "Microsoft Graph did not find the caller, so its groups' catalog roles cannot be checked.",
};

const BOUNDED: Record<NonNullable<GraphFailure['bound']>['what'], string> = {
  'definition pages': 'pages of access review definitions',
  'catalog definitions': 'access review definitions covering one catalog',
  'role assignment pages': "pages of a catalog's role assignments to check the caller's catalog role",
  'role groups': "groups holding a role on one catalog to check the caller's membership (one checkMemberGroups read)",
};

const FILE_NAME: Record<Extract<InputProblem, { kind: 'file-name' }>['why'], (max?: number) => string> = {
  empty: () => 'it is empty',
  'too-long': (max) => `it is longer than ${max} characters`,
  'control-character': () => 'it contains a control character or an unpaired surrogate',
  'reserved-character': () => 'it contains one of / \\ : * ? " < > |',
  'dot-name': () => 'it is . or ..',
  'not-csv': () => 'it must end in .csv',
};

const CURSOR: Record<Extract<InputProblem, { kind: 'cursor' }>['why'], string> = {
  'made-elsewhere': 'was made for another catalog, resource or filter, or is not a cursor',
  'not-a-cursor': 'is not a cursor',
  'outside-its-list': 'does not point into the list it was made for',
};

export function inputMessage(problem: InputProblem): string {
  switch (problem.kind) {
    case 'not-a-guid':
      return `${problem.arguments.join(', ')} must be a GUID.`;
    case 'page-size':
      return `${problem.argument} must be a whole number from 1 to ${problem.max}.`;
    case 'unknown-value':
      return `${problem.argument} cannot be UNKNOWN_FUTURE_VALUE: it is not a value Graph takes.`;
    case 'session-status':
      return `${problem.argument} is not a session status.`;
    case 'reference-id':
      return `${problem.argument} must be 1 to ${problem.max} characters.`;
    case 'cursor':
      return `The cursor in "after" ${CURSOR[problem.why]}.`;
    case 'file-name':
      return `The file name is not accepted: ${FILE_NAME[problem.why](problem.max)}.`;
  }
}

/** A caller without the catalog role an operation needs (CATALOG_AUTHORIZATION=graph). */
export function catalogRoleMessage(catalogId: string, needed: 'owner' | 'reader'): string {
  const role = needed === 'owner' ? 'Catalog owner' : 'Catalog owner or Catalog reader';
  return `The caller holds no ${role} role on catalog ${catalogId}: an entitlement-management catalog role, given directly or through a group, is needed to ${needed === 'owner' ? 'change' : 'read'} its sessions and reviews.`;
}

export function outsideScopeMessage(outside: 'definition' | 'instance' | 'decision'): string {
  return outside === 'decision'
    ? 'The decision is not about this resource: each resource’s owner records results on its own decisions only.'
    : `The access review ${outside} does not review this catalog: name a review of the catalog given in catalogId.`;
}

/** What the caller reads for a Graph failure that answers `code`. */
export function graphFailureMessage(failure: GraphFailure, code: ErrorCode): string {
  const { subject, permission, phase, bound } = failure;
  if (code === ErrorCode.NOT_FOUND && subject) return NOT_FOUND[subject];
  if (code === ErrorCode.FORBIDDEN && permission) {
    const on = subject === undefined ? '' : ` on the ${subject}`;
    return `Microsoft Graph refused access: the identity Graph is called as needs ${permission} (with admin consent), or a role that grants it${on}.`;
  }
  if (phase) return `The access review instance must be ${phase.required} to take apply results; it is ${phase.actual ?? 'in another phase'}.`;
  if (bound) return `The gateway reads at most ${bound.limit} ${BOUNDED[bound.what]}, and Microsoft Graph has more.`;
  if (code === ErrorCode.CONFLICT) return conflictMessage(failure);
  return PUBLIC_MESSAGES[code];
}

/**
 * A 409 says which state forbade the change, by Graph's code (the emulator's, see session-refusals.ts) or by
 * the session a refused create found holding the pair; any other refusal keeps the general message.
 */
function conflictMessage({ graphCode, existingUploadSessionId: existing }: GraphFailure): string {
  const session = existing === undefined ? 'The upload session' : `The upload session ${existing}`;
  switch (graphCode) {
    case 'uploadSessionAlreadyCompleted':
      return existing === undefined
        ? 'The upload session is already completed: it takes no more files and cannot be deleted.'
        : `${session} of this review instance and resource is already completed: no other can be created for them.`;
    case 'uploadSessionExpired':
      return `${session} has expired: it takes no more files and cannot be completed.`;
    case 'uploadSessionAlreadyExists':
      return existing === undefined
        ? 'The review instance already has an upload session for this resource: upload to it, or delete it to start again.'
        : `The review instance already has an upload session for this resource (${existing}): upload to it, or delete it to start again.`;
    case 'AccessReviewInstanceNotApplying':
      return 'The access review instance is not APPLYING: it takes no apply results.';
  }
  if (existing !== undefined) return `The review instance already has an upload session for this resource (${existing}).`;
  return PUBLIC_MESSAGES.CONFLICT;
}
