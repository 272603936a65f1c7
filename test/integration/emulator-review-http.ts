import { createEmulator } from '../../src/emulator/server/emulator-server';
import { REVIEW_SEED } from '../../src/emulator/access-reviews/review-seed';
import { call, type Reply } from './emulator-http';

/** Helpers for the emulator's access review tests: Graph's review paths on both versions and both routes. */

/** A seeded emulator on 127.0.0.1 for the test file; the function answers its origin once it listens. */
export function seededEmulator(): () => string {
  const emulator = createEmulator();
  let origin = '';
  beforeAll(async () => {
    origin = (await emulator.listen(0, '127.0.0.1')).origin;
  });
  afterAll(() => emulator.close());
  return () => origin;
}

export type ReviewRoute = 'v1.0 unified' | 'beta classic' | 'beta unified' | 'v1.0 classic';

export const ROUTES: readonly ReviewRoute[] = ['v1.0 unified', 'beta classic', 'beta unified', 'v1.0 classic'];

/** `…/accessReviews[/unified]` on the route's version. */
export function reviewsRoot(origin: string, route: ReviewRoute): string {
  const [version, kind] = route.split(' ');
  return `${origin}/${version}/identityGovernance/accessReviews${kind === 'unified' ? '/unified' : ''}`;
}

/** `…/definitions/{d}/instances/{i}` on the route. */
export function instanceUrl(origin: string, route: ReviewRoute, definitionId: string, instanceId: string): string {
  return `${reviewsRoot(origin, route)}/definitions/${definitionId}/instances/${instanceId}`;
}

/** Where the gateway applies: v1.0 `…/unified/instances/{i}/…`, beta `…/definitions/{d}/instances/{i}/…` with the vNext header. */
export function batchApply(origin: string, version: 'v1.0' | 'beta', definitionId: string, instanceId: string, json: unknown): Promise<Reply> {
  if (version === 'v1.0') {
    return call('POST', `${reviewsRoot(origin, 'v1.0 unified')}/instances/${instanceId}/batchApplyCustomDataProvidedResourceDecisions`, { json });
  }
  return call('POST', `${instanceUrl(origin, 'beta classic', definitionId, instanceId)}/batchApplyCustomDataProvidedResourceDecisions`, {
    json,
    headers: { 'x-accessreviews-version': 'vNext' },
  });
}

export interface FreshReview {
  definitionId: string;
  instanceId: string;
}

/** A review of its own for a test, through the control API: one instance, with the decisions given. */
export async function freshReview(origin: string, instance: Record<string, unknown>, catalogId: string = REVIEW_SEED.catalogId): Promise<FreshReview> {
  const reply = await call('POST', `${origin}/_emulator/reviews`, { json: { displayName: 'A test review', catalogId, instances: [instance] } });
  if (reply.status !== 201) throw new Error(`review refused: ${reply.text}`);
  const instances = reply.json.instances as { id: string }[];
  return { definitionId: reply.json.id as string, instanceId: instances[0]!.id };
}

/** A decision seed for the control API. */
export function decisionSeed(principalId: string, resourceId: string, decision = 'NotReviewed', more: Record<string, unknown> = {}): Record<string, unknown> {
  return { principal: { id: principalId, displayName: `User ${principalId.slice(0, 4)}` }, resource: { id: resourceId }, permission: { id: 'p1', displayName: 'Door' }, decision, ...more };
}

/** Every item of a list, following `@odata.nextLink`; also the number of pages read. */
export async function readAll(url: string): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const reply = await call('GET', next);
    if (reply.status !== 200) throw new Error(`${reply.status} ${reply.text}`);
    items.push(...(reply.json.value ?? []));
    next = reply.json['@odata.nextLink'] as string | undefined;
    pages++;
  }
  return { items, pages };
}
