import type { Identity, StoredDecision, StoredDefinition, StoredInstance } from './review-model';

/** Graph answers "nobody" (not reviewed, not applied) with a zero GUID identity, not null. */
const NOBODY: Identity = { id: '00000000-0000-0000-0000-000000000000', displayName: '', userPrincipalName: '' };
const REVIEWERS = [{ '@odata.type': '#microsoft.graph.accessReviewReviewerScope', query: './manager', queryType: 'MicrosoftGraph', queryRoot: 'decisions' }];

/**
 * The scope as the unified route's create example writes it (principalResourceMembershipsScope with a
 * catalog resource scope); a group's review as an accessReviewQueryScope. ASSUMPTION: both routes and both
 * versions answer the same shape.
 */
function scopeJson(definition: StoredDefinition): Record<string, unknown> {
  const { scope } = definition;
  if (scope.kind === 'group') {
    return { '@odata.type': '#microsoft.graph.accessReviewQueryScope', query: `/groups/${scope.groupId}/transitiveMembers`, queryType: 'MicrosoftGraph', queryRoot: null };
  }
  return {
    '@odata.type': '#microsoft.graph.principalResourceMembershipsScope',
    principalScopes: [{ '@odata.type': '#microsoft.graph.accessReviewPrincipalScope', scopeType: 'allUsers' }],
    resourceScopes: [{ '@odata.type': '#microsoft.graph.accessReviewResourceScope', resourceId: scope.catalogId, displayName: scope.catalogDisplayName, scopeType: 'catalog' }],
  };
}

/** accessReviewScheduleDefinition: the properties a client of the loop reads, and the usual rest. */
export function definitionJson(definition: StoredDefinition): Record<string, unknown> {
  return {
    id: definition.id,
    displayName: definition.displayName,
    createdDateTime: definition.createdDateTime,
    lastModifiedDateTime: definition.createdDateTime,
    status: 'InProgress',
    descriptionForAdmins: `${definition.displayName} (Graph emulator)`,
    descriptionForReviewers: 'Please review the access of your direct reports.',
    createdBy: { id: NOBODY.id, displayName: 'Graph emulator', userPrincipalName: null },
    scope: scopeJson(definition),
    instanceEnumerationScope: null,
    reviewers: REVIEWERS,
    fallbackReviewers: [],
    settings: {
      mailNotificationsEnabled: true,
      reminderNotificationsEnabled: true,
      justificationRequiredOnApproval: false,
      defaultDecisionEnabled: false,
      defaultDecision: 'None',
      instanceDurationInDays: 7,
      autoApplyDecisionsEnabled: false,
      recommendationsEnabled: true,
      recurrence: { pattern: { type: 'weekly', interval: 1 }, range: { type: 'noEnd', startDate: definition.createdDateTime.slice(0, 10) } },
    },
  };
}

/** accessReviewInstance: its scope is the definition's, copied. */
export function instanceJson(instance: StoredInstance, definition: StoredDefinition): Record<string, unknown> {
  return {
    id: instance.id,
    startDateTime: instance.startDateTime,
    endDateTime: instance.endDateTime,
    status: instance.status,
    scope: scopeJson(definition),
    reviewers: REVIEWERS,
    fallbackReviewers: [],
    errors: [],
  };
}

/**
 * accessReviewInstanceDecisionItem on a custom data provided resource. ASSUMPTION (no such example is
 * published): the resource carries `@odata.type` accessReviewInstanceDecisionItemCustomDataProvidedResource
 * and `type: CustomDataProvidedResource`; the permission is an accessReviewInstanceDecisionItemPermission.
 */
export function decisionJson(decision: StoredDecision): Record<string, unknown> {
  const { principal, permission, resource } = decision;
  return {
    id: decision.id,
    accessReviewId: decision.instanceId,
    reviewedDateTime: decision.reviewedDateTime,
    decision: decision.decision,
    justification: decision.justification,
    appliedDateTime: decision.appliedDateTime,
    applyResult: decision.applyResult,
    applyDescription: decision.applyDescription,
    recommendation: decision.recommendation,
    principalLink: `https://graph.microsoft.com/v1.0/users/${principal.id}`,
    resourceLink: null,
    reviewedBy: identityJson(decision.reviewedBy ?? NOBODY),
    appliedBy: identityJson(decision.appliedBy ?? NOBODY),
    principal: { '@odata.type': '#microsoft.graph.userIdentity', ...identityJson(principal) },
    resource: {
      '@odata.type': '#microsoft.graph.accessReviewInstanceDecisionItemCustomDataProvidedResource',
      id: resource.id,
      displayName: resource.displayName,
      type: 'CustomDataProvidedResource',
      description: null,
      customData: resource.customData,
      scopeId: resource.scopeId,
      scopeDisplayName: resource.scopeDisplayName,
    },
    permission: { '@odata.type': '#microsoft.graph.accessReviewInstanceDecisionItemPermission', ...permission },
  };
}

function identityJson(identity: Identity): Record<string, unknown> {
  return { id: identity.id, displayName: identity.displayName, userPrincipalName: identity.userPrincipalName };
}
