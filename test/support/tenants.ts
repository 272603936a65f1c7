import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { FakeAuthority } from './fake-authority';
import type { GraphQLAnswer, TestGateway } from './gateway';
import { postGraphQL, SEED } from './gateway';

export const AUDIENCE = 'api://upload-gateway';

/** A caller of one tenant: its token is issued as that tenant's (iss and tid), for the gateway's API. */
export interface Caller {
  tid: string;
  oid: string;
}

export function callerToken(authority: FakeAuthority, { tid, oid }: Caller, extra: Record<string, unknown> = {}, options = {}): Promise<string> {
  return authority.issue({ tid, oid, azp: 'spa-client', scp: 'access_as_user', aud: AUDIENCE, ...extra }, { issuer: authority.issuerOf(tid), ...options });
}

export async function callAs(t: TestGateway, authority: FakeAuthority, caller: Caller, query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer> {
  return postGraphQL(t.url, query, variables, { authorization: `Bearer ${await callerToken(authority, caller)}` });
}

/** The emulator's control API in one tenant's world. */
export async function control(t: TestGateway, tenant: string, method: 'POST' | 'DELETE', path: string, json?: unknown): Promise<Record<string, unknown>> {
  const url = new URL(path, t.emulatorUrl);
  url.searchParams.set('tenant', tenant);
  const response = await request(url, { method, headers: { 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`the emulator refused ${method} ${path}: ${response.statusCode} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** A new active session in the seed catalog's resource of `tenant`'s world. */
export async function newSession(t: TestGateway, tenant: string, catalogId = SEED.catalogId, resourceId = SEED.resourceId): Promise<{ catalogId: string; resourceId: string; uploadSessionId: string }> {
  const uploadSessionId = randomUUID();
  await control(t, tenant, 'POST', '/_emulator/sessions', { catalogId, resourceId, uploadSessionId });
  return { catalogId, resourceId, uploadSessionId };
}

export async function grant(t: TestGateway, tenant: string, catalogId: string, principalId: string, role: 'owner' | 'reader', principalType = 'user'): Promise<string> {
  return String((await control(t, tenant, 'POST', '/_emulator/roles', { catalogId, principalId, role, principalType })).id);
}

export const COMPLETE = `mutation($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id isUploadDone } }`;
export const READ = `query($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!) { uploadSession(catalogId: $catalogId, resourceId: $resourceId, uploadSessionId: $uploadSessionId) { id isUploadDone } }`;
export const REVIEWS = `query($catalogId: ID!, $resourceId: ID!) { accessReviews(catalogId: $catalogId, resourceId: $resourceId, first: 5) { edges { node { id } } } }`;
