import { parseReviewKey } from '../../src/graph/access-reviews/review-check';
import { parseGuids, type Guid } from '../../src/graph/odata/ids';
import { REVIEW_IDS, type FakeAnswer, type FakeRequest } from './fake-graph';

export const { catalogId: C, resourceId: R, otherCatalogId: OTHER_C } = REVIEW_IDS;
export const OTHER_R = 'b2000000-3b88-4c0a-8bb3-68ba8162beff';
export const D = 'ad000001-3b88-4c0a-8bb3-68ba8162beff';
export const D_OTHER = 'ad000002-3b88-4c0a-8bb3-68ba8162beff';
export const I = 'a1000003-3b88-4c0a-8bb3-68ba8162beff';
export const I_OTHER = 'a2000001-3b88-4c0a-8bb3-68ba8162beff';
export const key = parseReviewKey({ catalogId: C, resourceId: R, reviewDefinitionId: D, reviewInstanceId: I });
export const guid = (id: string): Guid => parseGuids({ id }).id;
const ZERO = '00000000-0000-0000-0000-000000000000';

const scope = (catalogId: string) => ({ resourceScopes: [{ resourceId: catalogId, scopeType: 'catalog' }] });
export const decision = (n: number, resourceId: string, outcome: { decision: string; applyResult?: string }) => ({
  id: `de00000${n}-3b88-4c0a-8bb3-68ba8162beff`,
  accessReviewId: I,
  decision: outcome.decision,
  applyResult: outcome.applyResult ?? 'New',
  applyDescription: null,
  justification: 'Left the project',
  recommendation: 'NoInfoAvailable',
  reviewedDateTime: null,
  reviewedBy: { id: ZERO, displayName: '', userPrincipalName: '' },
  principal: { '@odata.type': '#microsoft.graph.userIdentity', id: `e100000${n}-3b88-4c0a-8bb3-68ba8162beff`, displayName: 'Adele Vance', userPrincipalName: 'AdeleV@contoso.example' },
  resource: { '@odata.type': '#microsoft.graph.accessReviewInstanceDecisionItemCustomDataProvidedResource', id: resourceId, type: 'CustomDataProvidedResource', scopeId: 'building-a', scopeDisplayName: 'Building A', customData: '{"site":"HQ"}' },
  permission: { id: 'f1000001', displayName: 'All floors', type: 'BadgeAccess', description: 'Every floor' },
});

/** One APPLYING instance of D (catalog C) with decisions on R and on another resource, and another catalog's review. */
export function decisionsGraph(version: 'beta' | 'v1.0', override?: (request: FakeRequest) => FakeAnswer | undefined) {
  const base = `/${version}/identityGovernance/accessReviews${version === 'v1.0' ? '/unified' : ''}`;
  const state = {
    status: 'Applying',
    decisions: [
      decision(1, R, { decision: 'Deny' }),
      decision(2, OTHER_R, { decision: 'Deny' }),
      decision(3, R, { decision: 'approve' }),
      decision(4, R, { decision: 'NotReviewed' }),
    ],
  };
  const route = (request: FakeRequest): FakeAnswer => {
    const answer = override?.(request);
    if (answer) return answer;
    const path = request.url.pathname;
    if (path === `${base}/definitions/${D}`) return { status: 200, body: { id: D, displayName: 'Building A', scope: scope(C) } };
    if (path === `${base}/definitions/${D_OTHER}`) return { status: 200, body: { id: D_OTHER, displayName: 'Finance', scope: scope(OTHER_C) } };
    if (path === `${base}/definitions/${D}/instances/${I}`) return { status: 200, body: { id: I, status: state.status, scope: scope(C) } };
    if (path === `${base}/definitions/${D}/instances/${I}/decisions`) {
      const filter = request.url.searchParams.get('$filter') ?? '';
      const clauses = [...filter.matchAll(/(\w+) eq '([^']*)'/g)].map(([, name, value]) => [name!, value!.toLowerCase()] as const);
      const matching = state.decisions.filter((item) =>
        clauses.every(([name, value]) => String(name === 'resourceId' ? item.resource.id : item[name as 'decision']).toLowerCase() === value),
      );
      const top = Number(request.url.searchParams.get('$top') ?? 100);
      return { status: 200, body: { '@odata.count': matching.length, value: matching.slice(0, top) } };
    }
    const one = new RegExp(`^${base}/definitions/${D}/instances/${I}/decisions/([^/]+)$`).exec(path);
    if (one) {
      const item = state.decisions.find((candidate) => candidate.id === one[1]);
      if (!item) return { status: 404, body: { error: { code: 'ResourceNotFound' } } };
      if (request.method === 'PATCH') {
        Object.assign(item, request.json);
        return { status: 204 };
      }
      return { status: 200, body: item };
    }
    const apply = version === 'v1.0' ? `${base}/instances/${I}/batchApplyCustomDataProvidedResourceDecisions` : `${base}/definitions/${D}/instances/${I}/batchApplyCustomDataProvidedResourceDecisions`;
    if (path === apply && request.method === 'POST') {
      const body = request.json as { applyResult: string; customDataProvidedResourceId: string };
      for (const item of state.decisions) if (item.resource.id === body.customDataProvidedResourceId) item.applyResult = body.applyResult;
      return { status: 202 };
    }
    return { status: 404, body: { error: { code: 'ResourceNotFound' } } };
  };
  return { route, state, base };
}
