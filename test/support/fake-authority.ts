import { execFileSync } from 'node:child_process';
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CryptoKey, JSONWebKeySet, JWK, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { loadJose } from '../../src/auth/jose';
import { EMULATOR_DEFAULT_TENANT } from '../../src/config';

/** The home tenant: the emulator's default tenant, so its tokens reach the emulator's default world. */
export const TENANT_ID = EMULATOR_DEFAULT_TENANT;
const GUID_SEGMENT = /^\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|organizations|common)(\/.*)$/i;
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

export interface IssueOptions {
  expiresIn?: number;
  notBefore?: number;
  issuer?: string;
  alg?: 'RS256' | 'PS256' | 'ES256';
  /** Sign with a key the JWKS does not publish (a forged signature). */
  foreignKey?: boolean;
  /** Sign with this published key (addKey's kid). */
  kid?: string;
}

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'PS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

/**
 * A fake Entra authority for tests: OpenID configuration, JWKS and a token endpoint for client
 * credentials (secret, certificate and federated assertions) and the on-behalf-of jwt-bearer grant,
 * issuing real signed JWTs. HTTPS with a certificate made at start (for @azure/identity), or plain HTTP.
 */
export class FakeAuthority {
  readonly requests: TokenRequest[] = [];
  /** Every token it signed, so tests can prove none leaks. */
  readonly issued: string[] = [];
  jwksDownloads = 0;
  /** Users (oid) for whom the OBO exchange answers AADSTS65001 (consent missing). */
  readonly consentMissing = new Set<string>();
  readonly clients = new Map<string, RegisteredClient>();
  /** Seconds the issued Graph tokens live. */
  graphTokenLifetime = 3600;
  /** How long the token endpoint thinks before it answers. */
  tokenDelayMs = 0;
  private keys: SigningKey[] = [];
  private foreign: SigningKey | undefined;
  private server: Server | undefined;
  private tempDir: string | undefined;
  origin = '';
  /** PEM file of the TLS certificate, for the child processes' NODE_EXTRA_CA_CERTS. */
  caCertPath: string | undefined;

  get issuer(): string {
    return `${this.origin}/${TENANT_ID}/v2.0`;
  }

  get jwksUri(): string {
    return `${this.origin}/${TENANT_ID}/discovery/v2.0/keys`;
  }

  /** `iss` of a tenant's v2.0 tokens; the tenant-independent metadata's template with `{tenantid}`. */
  issuerOf(tenant: string): string {
    return `${this.origin}/${tenant}/v2.0`;
  }

  static async start({ tls = false } = {}): Promise<FakeAuthority> {
    const authority = new FakeAuthority();
    authority.keys = [await newKey('RS256')];
    authority.foreign = await newKey('RS256');
    await authority.listen(tls);
    return authority;
  }

  /** A certificate and key made for this run: never stored anywhere but a temp directory removed at close. */
  makeCertificate(commonName: string): { certPem: string; keyPem: string; pemPath: string } {
    this.tempDir ??= mkdtempSync(join(tmpdir(), 'fake-authority-'));
    const base = join(this.tempDir, `${commonName}-${randomUUID()}`);
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${commonName}`,
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', `${base}.key`, '-out', `${base}.crt`,
    ], { stdio: 'ignore' });
    const certPem = readFileSync(`${base}.crt`, 'utf8');
    const keyPem = readFileSync(`${base}.key`, 'utf8');
    writeFileSync(`${base}.pem`, keyPem + certPem);
    return { certPem, keyPem, pemPath: `${base}.pem` };
  }

  tempFile(name: string): string {
    this.tempDir ??= mkdtempSync(join(tmpdir(), 'fake-authority-'));
    return join(this.tempDir, name);
  }

  private async listen(tls: boolean): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.route(req, res).catch((error: unknown) => json(res, 500, { error: 'server_error', error_description: String(error) }));
    };
    if (tls) {
      const { certPem, keyPem } = this.makeCertificate('127.0.0.1');
      this.caCertPath = this.tempFile('ca.pem');
      writeFileSync(this.caCertPath, certPem);
      this.server = createHttpsServer({ cert: certPem, key: keyPem }, handler);
    } else {
      this.server = createHttpServer(handler);
    }
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (this.server) {
      const server = this.server;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }

  jwks(): JSONWebKeySet {
    return { keys: this.keys.map((key) => key.jwk) };
  }

  /** A new signing key replaces the old one in the published set, as a real rotation eventually does. */
  async rotateKeys(): Promise<void> {
    this.keys = [await newKey('RS256')];
  }

  /** Publishes another key; `issuer` is the JWK's own `issuer` member (Entra names one per key). Returns its kid. */
  async addKey(alg: 'RS256' | 'PS256' | 'ES256', { issuer }: { issuer?: string } = {}): Promise<string> {
    const key = await newKey(alg);
    if (issuer !== undefined) key.jwk = { ...key.jwk, issuer } as JWK;
    this.keys.push(key);
    return key.kid;
  }

  /** Signs `claims` as this issuer; iat/exp/nbf/jti filled in unless given. */
  async issue(claims: JWTPayload, options: IssueOptions = {}): Promise<string> {
    const { SignJWT } = await loadJose();
    const key = options.foreignKey
      ? this.foreign!
      : (this.keys.find((k) => (options.kid ? k.kid === options.kid : k.alg === (options.alg ?? 'RS256') && !('issuer' in k.jwk))) ?? this.keys[0]!);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ ver: '2.0', ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setIssuedAt(now)
      .setNotBefore(options.notBefore ?? now)
      .setExpirationTime(now + (options.expiresIn ?? 3600))
      .setJti(randomUUID())
      .sign(key.privateKey);
    this.issued.push(token);
    return token;
  }

  /** Every tenant is served alike, as Entra's one authority serves them all; `organizations` names none ({tenantid}). */
  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, tenant = '', path = ''] = GUID_SEGMENT.exec(new URL(req.url ?? '/', this.origin).pathname) ?? [];
    const tenantRoot = `/${tenant}`;
    const named = tenant !== 'organizations' && tenant !== 'common';
    if (req.method === 'GET' && (path === '/v2.0/.well-known/openid-configuration' || path === '/.well-known/openid-configuration')) {
      return json(res, 200, {
        issuer: this.issuerOf(named ? tenant : '{tenantid}'),
        jwks_uri: `${this.origin}${tenantRoot}/discovery/v2.0/keys`,
        token_endpoint: `${this.origin}${tenantRoot}/oauth2/v2.0/token`,
        authorization_endpoint: `${this.origin}${tenantRoot}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${this.origin}${tenantRoot}/oauth2/v2.0/logout`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
      });
    }
    if (req.method === 'GET' && path === '/discovery/v2.0/keys') {
      this.jwksDownloads++;
      return json(res, 200, this.jwks());
    }
    if (req.method === 'POST' && path === '/oauth2/v2.0/token' && named) return this.token(req, res, tenant.toLowerCase());
    if (req.method === 'GET' && req.url?.startsWith('/msi/token')) return this.managedIdentityToken(req, res);
    json(res, 404, { error: 'not_found', error_description: `nothing at ${req.url}` });
  }

  private async token(req: IncomingMessage, res: ServerResponse, tenant: string): Promise<void> {
    const form = new URLSearchParams(await readText(req));
    const grantType = form.get('grant_type') ?? '';
    const clientId = form.get('client_id') ?? undefined;
    const clientAuth = form.has('client_secret') ? 'secret' : form.has('client_assertion') ? 'assertion' : 'none';
    const answer = (status: number, body: Record<string, unknown>) => {
      this.requests.push({ grantType, tenant, clientId, clientAuth, status });
      json(res, status, body);
    };
    if (this.tokenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.tokenDelayMs));
    const client = clientId === undefined ? undefined : this.clients.get(clientId);
    if (!client || !(await this.clientAuthenticates(client, form))) {
      return answer(401, oauthError('invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.'));
    }
    const resource = (form.get('scope') ?? '').split(' ').find((scope) => scope.endsWith('/.default'))?.replace(/\/\.default$/, '');
    if (!resource) return answer(400, oauthError('invalid_scope', 1002012, 'The provided value for scope is not valid.'));

    if (grantType === 'client_credentials') {
      const token = await this.issue(
        { aud: resource, sub: `sp-${client.clientId}`, oid: `sp-${client.clientId}`, tid: tenant, azp: client.clientId, roles: client.roles ?? [GRAPH_PERMISSION], idtyp: 'app' },
        { expiresIn: this.graphTokenLifetime, issuer: this.issuerOf(tenant) },
      );
      return answer(200, { token_type: 'Bearer', expires_in: this.graphTokenLifetime, ext_expires_in: this.graphTokenLifetime, access_token: token });
    }
    if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && form.get('requested_token_use') === 'on_behalf_of') {
      const user = await this.verifyOwn(form.get('assertion') ?? '', client.apiAudience ?? `api://${client.clientId}`);
      if (!user) return answer(400, oauthError('invalid_grant', 50013, 'Assertion failed signature validation.'));
      if (this.consentMissing.has(String(user.oid))) {
        return answer(400, {
          ...oauthError('invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${client.clientId}'. Send an interactive authorization request for this user and resource.`),
          suberror: 'consent_required',
        });
      }
      const token = await this.issue(
        { aud: resource, sub: user.sub, oid: user.oid, tid: user.tid, azp: client.clientId, scp: GRAPH_PERMISSION, name: user.name },
        { expiresIn: this.graphTokenLifetime, issuer: this.issuerOf(String(user.tid ?? tenant)) },
      );
      return answer(200, { token_type: 'Bearer', scope: `${resource}/${GRAPH_PERMISSION}`, expires_in: this.graphTokenLifetime, ext_expires_in: this.graphTokenLifetime, access_token: token });
    }
    answer(400, oauthError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`));
  }

  /** App Service's managed identity endpoint (IDENTITY_ENDPOINT), which MSAL finds through IDENTITY_HEADER. */
  private async managedIdentityToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const query = new URL(req.url ?? '/', this.origin).searchParams;
    const clientId = query.get('client_id') ?? 'system-assigned';
    const ok = req.headers['x-identity-header'] === MANAGED_IDENTITY_HEADER;
    this.requests.push({ grantType: 'managed_identity', clientId, clientAuth: 'none', status: ok ? 200 : 401 });
    if (!ok) return json(res, 401, { statusCode: 401, message: 'Unauthorized' });
    const resource = query.get('resource') ?? '';
    const token = await this.issue({ aud: resource, sub: `mi-${clientId}`, oid: `mi-${clientId}`, tid: TENANT_ID, azp: clientId, roles: [GRAPH_PERMISSION], idtyp: 'app' });
    json(res, 200, { access_token: token, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource, token_type: 'Bearer', client_id: clientId });
  }

  private async clientAuthenticates(client: RegisteredClient, form: URLSearchParams): Promise<boolean> {
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
    if (client.federated) return (await this.verifyOwn(assertion, 'api://AzureADTokenExchange')) !== undefined;
    return false;
  }

  private async verifyOwn(token: string, audience: string): Promise<JWTPayload | undefined> {
    const { createLocalJWKSet, jwtVerify } = await loadJose();
    // Each tenant's tokens carry its own issuer.
    return jwtVerify(token, createLocalJWKSet(this.jwks()), { audience }).then(
      ({ payload }) => (payload.iss === this.issuerOf(String(payload.tid ?? TENANT_ID)) || payload.iss === this.issuer ? payload : undefined),
      () => undefined,
    );
  }
}

async function newKey(alg: 'RS256' | 'PS256' | 'ES256'): Promise<SigningKey> {
  const { exportJWK, generateKeyPair } = await loadJose();
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
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

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
