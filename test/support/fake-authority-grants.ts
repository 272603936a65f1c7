import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONWebKeySet, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { loadJose } from '../../src/auth/jose';

export const TENANT_ID = '11111111-2222-4333-8444-555555555555';
export const GRAPH_PERMISSION = 'EntitlementManagement.ReadWrite.All';
export const MANAGED_IDENTITY_HEADER = 'fake-identity-header';

/** An app registration the authority knows: how it proves itself, and what Graph roles it holds. */
export interface RegisteredClient {
  clientId: string;
  secret?: string;
  /** PEM of the certificate whose key signs its client assertions. */
  certificatePem?: string;
  /** Accept client assertions this authority signed itself (workload identity's federated token). */
  federated?: boolean;
  roles?: string[];
  /** The application ID URI callers use as `aud` for this app's own API (OBO assertions). */
  apiAudience?: string;
}

export interface TokenRequest {
  grantType: string;
  /** The tenant of the token endpoint asked (`/{tenant}/oauth2/v2.0/token`). */
  tenant?: string;
  clientId: string | undefined;
  clientAuth: 'secret' | 'assertion' | 'none';
  status: number;
}

/** What the grants need of the fake authority (test/support/fake-authority.ts). */
export interface GrantingAuthority {
  readonly requests: TokenRequest[];
  readonly consentMissing: Set<string>;
  readonly clients: Map<string, RegisteredClient>;
  readonly graphTokenLifetime: number;
  readonly tokenDelayMs: number;
  readonly origin: string;
  readonly issuer: string;
  issuerOf(tenant: string): string;
  jwks(): JSONWebKeySet;
  issue(claims: JWTPayload, options?: { expiresIn?: number; issuer?: string }): Promise<string>;
}

/** The token endpoint: client credentials (secret, certificate or federated assertion) and the on-behalf-of jwt-bearer grant. */
export async function answerTokenRequest(authority: GrantingAuthority, req: IncomingMessage, res: ServerResponse, tenant: string): Promise<void> {
  const form = new URLSearchParams(await readText(req));
  const grantType = form.get('grant_type') ?? '';
  const clientId = form.get('client_id') ?? undefined;
  const clientAuth = form.has('client_secret') ? 'secret' : form.has('client_assertion') ? 'assertion' : 'none';
  const answer = (status: number, body: Record<string, unknown>) => {
    authority.requests.push({ grantType, tenant, clientId, clientAuth, status });
    json(res, status, body);
  };
  if (authority.tokenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, authority.tokenDelayMs));
  const client = clientId === undefined ? undefined : authority.clients.get(clientId);
  if (!client || !(await clientAuthenticates(authority, client, form))) {
    return answer(401, oauthError('invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.'));
  }
  const resource = (form.get('scope') ?? '').split(' ').find((scope) => scope.endsWith('/.default'))?.replace(/\/\.default$/, '');
  if (!resource) return answer(400, oauthError('invalid_scope', 1002012, 'The provided value for scope is not valid.'));

  if (grantType === 'client_credentials') {
    const token = await authority.issue(
      { aud: resource, sub: `sp-${client.clientId}`, oid: `sp-${client.clientId}`, tid: tenant, azp: client.clientId, roles: client.roles ?? [GRAPH_PERMISSION], idtyp: 'app' },
      { expiresIn: authority.graphTokenLifetime, issuer: authority.issuerOf(tenant) },
    );
    return answer(200, { token_type: 'Bearer', expires_in: authority.graphTokenLifetime, ext_expires_in: authority.graphTokenLifetime, access_token: token });
  }
  if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && form.get('requested_token_use') === 'on_behalf_of') {
    const user = await verifyOwn(authority, form.get('assertion') ?? '', client.apiAudience ?? `api://${client.clientId}`);
    if (!user) return answer(400, oauthError('invalid_grant', 50013, 'Assertion failed signature validation.'));
    if (authority.consentMissing.has(String(user.oid))) {
      return answer(400, {
        ...oauthError('invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${client.clientId}'. Send an interactive authorization request for this user and resource.`),
        suberror: 'consent_required',
      });
    }
    const token = await authority.issue(
      { aud: resource, sub: user.sub, oid: user.oid, tid: user.tid, azp: client.clientId, scp: GRAPH_PERMISSION, name: user.name },
      { expiresIn: authority.graphTokenLifetime, issuer: authority.issuerOf(String(user.tid ?? tenant)) },
    );
    return answer(200, { token_type: 'Bearer', scope: `${resource}/${GRAPH_PERMISSION}`, expires_in: authority.graphTokenLifetime, ext_expires_in: authority.graphTokenLifetime, access_token: token });
  }
  answer(400, oauthError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`));
}

/** App Service's managed identity endpoint (IDENTITY_ENDPOINT), which MSAL finds through IDENTITY_HEADER. */
export async function answerManagedIdentity(authority: GrantingAuthority, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = new URL(req.url ?? '/', authority.origin).searchParams;
  const clientId = query.get('client_id') ?? 'system-assigned';
  const ok = req.headers['x-identity-header'] === MANAGED_IDENTITY_HEADER;
  authority.requests.push({ grantType: 'managed_identity', clientId, clientAuth: 'none', status: ok ? 200 : 401 });
  if (!ok) return json(res, 401, { statusCode: 401, message: 'Unauthorized' });
  const resource = query.get('resource') ?? '';
  const token = await authority.issue({ aud: resource, sub: `mi-${clientId}`, oid: `mi-${clientId}`, tid: TENANT_ID, azp: clientId, roles: [GRAPH_PERMISSION], idtyp: 'app' });
  json(res, 200, { access_token: token, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource, token_type: 'Bearer', client_id: clientId });
}

async function clientAuthenticates(authority: GrantingAuthority, client: RegisteredClient, form: URLSearchParams): Promise<boolean> {
  const secret = form.get('client_secret');
  if (secret !== null) return client.secret !== undefined && secret === client.secret;
  const assertion = form.get('client_assertion');
  if (assertion === null) return false;
  if (client.certificatePem) {
    const { jwtVerify } = await loadJose();
    const key: KeyObject = createPublicKey(client.certificatePem);
    // MSAL stamps nbf a second after iat: allow skew as Entra does.
    return jwtVerify(assertion, key, { algorithms: ['RS256', 'PS256'], clockTolerance: 60 }).then(
      ({ payload }) => payload.iss === client.clientId && payload.sub === client.clientId,
      () => false,
    );
  }
  if (client.federated) return (await verifyOwn(authority, assertion, 'api://AzureADTokenExchange')) !== undefined;
  return false;
}

async function verifyOwn(authority: GrantingAuthority, token: string, audience: string): Promise<JWTPayload | undefined> {
  const { createLocalJWKSet, jwtVerify } = await loadJose();
  // Each tenant's tokens carry its own issuer.
  return jwtVerify(token, createLocalJWKSet(authority.jwks()), { audience }).then(
    ({ payload }) => (payload.iss === authority.issuerOf(String(payload.tid ?? TENANT_ID)) || payload.iss === authority.issuer ? payload : undefined),
    () => undefined,
  );
}

function oauthError(error: string, code: number, description: string) {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  return {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: traceId,
    correlation_id: correlationId,
  };
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
