import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CryptoKey, JSONWebKeySet, JWK, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { loadJose } from '../../src/auth/jose';
import { answerManagedIdentity, answerTokenRequest, json, TENANT_ID, type RegisteredClient, type TokenRequest } from './fake-authority-grants';

export { GRAPH_PERMISSION, MANAGED_IDENTITY_HEADER, TENANT_ID, type RegisteredClient, type TokenRequest } from './fake-authority-grants';

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

const GUID_SEGMENT = /^\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|organizations|common)(\/.*)$/i;

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

  /** `iss` of a tenant's v2.0 tokens; the tenant-independent metadata's template with `{tenantid}`. */
  issuerOf(tenant: string): string {
    return `${this.origin}/${tenant}/v2.0`;
  }

  get jwksUri(): string {
    return `${this.origin}/${TENANT_ID}/discovery/v2.0/keys`;
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
    if (req.method === 'POST' && path === '/oauth2/v2.0/token' && named) return answerTokenRequest(this, req, res, tenant.toLowerCase());
    if (req.method === 'GET' && req.url?.startsWith('/msi/token')) return answerManagedIdentity(this, req, res);
    json(res, 404, { error: 'not_found', error_description: `nothing at ${req.url}` });
  }
}

async function newKey(alg: 'RS256' | 'PS256' | 'ES256'): Promise<SigningKey> {
  const { exportJWK, generateKeyPair } = await loadJose();
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}
