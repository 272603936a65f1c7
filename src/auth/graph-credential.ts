import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  OnBehalfOfCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { ConfigError, type AuthorityConfig, type GraphCredentialConfig } from '../config';

/** The variable that chose each credential kind: start-up problems name it. */
export const CREDENTIAL_VARIABLE: Record<GraphCredentialConfig['kind'], string> = {
  'client-secret': 'AZURE_CLIENT_SECRET',
  'client-certificate': 'AZURE_CLIENT_CERTIFICATE_PATH',
  'workload-identity': 'AZURE_FEDERATED_TOKEN_FILE',
  'managed-identity': 'AZURE_MANAGED_IDENTITY',
};

/**
 * `allowedTenants`: the tenants besides the home one a token may be asked in (AUTH_TENANTS), never `*`;
 * @azure/identity refuses any other tenant a request names.
 */
function commonOptions(authority: AuthorityConfig, allowedTenants: readonly string[] = []) {
  return {
    additionallyAllowedTenants: [...allowedTenants],
    authorityHost: authority.host.href,
    disableInstanceDiscovery: authority.disableInstanceDiscovery,
    // The gateway has its own deadline per request: a short retry budget for the authority, not the SDK's default minutes.
    retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 },
  };
}

/** `app` mode: the gateway's own identity, exactly the kind configuration chose. */
export function appCredential(config: GraphCredentialConfig, authority: AuthorityConfig, allowedTenants?: readonly string[]): TokenCredential {
  const options = commonOptions(authority, allowedTenants);
  switch (config.kind) {
    case 'client-secret':
      return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret.reveal(), options);
    case 'client-certificate':
      return new ClientCertificateCredential(
        config.tenantId,
        config.clientId,
        { certificatePath: config.certificatePath, certificatePassword: config.certificatePassword?.reveal() },
        options,
      );
    case 'workload-identity':
      return new WorkloadIdentityCredential({ ...options, tenantId: config.tenantId, clientId: config.clientId, tokenFilePath: config.tokenFilePath });
    case 'managed-identity':
      return new ManagedIdentityCredential({ clientId: config.clientId, retryOptions: options.retryOptions });
  }
}

/** `obo` mode: one credential per caller token, which it exchanges for a Graph token on the caller's behalf. */
export function oboCredential(config: GraphCredentialConfig, authority: AuthorityConfig, userAssertionToken: string, allowedTenants?: readonly string[]): TokenCredential {
  const options = { ...commonOptions(authority, allowedTenants), userAssertionToken };
  switch (config.kind) {
    case 'client-secret':
      return new OnBehalfOfCredential({ ...options, tenantId: config.tenantId, clientId: config.clientId, clientSecret: config.clientSecret.reveal() });
    case 'client-certificate':
      return new OnBehalfOfCredential({ ...options, tenantId: config.tenantId, clientId: config.clientId, certificatePath: config.certificatePath });
    case 'workload-identity':
      return new OnBehalfOfCredential({
        ...options,
        tenantId: config.tenantId,
        clientId: config.clientId,
        // The projected token file is rotated by the platform: read it for every exchange.
        getAssertion: () => readFile(config.tokenFilePath, 'utf8').then((text) => text.trim()),
      });
    case 'managed-identity':
      throw new ConfigError('AZURE_MANAGED_IDENTITY', 'cannot be used with GRAPH_AUTH=obo');
  }
}

/** A certificate file @azure/identity would only read at the first token request is checked at start-up. */
export function checkCertificateFile(config: GraphCredentialConfig): void {
  if (config.kind !== 'client-certificate') return;
  const pem = readFileSync(config.certificatePath, 'utf8');
  try {
    new X509Certificate(pem);
    createPrivateKey({ key: pem, passphrase: config.certificatePassword?.reveal() });
  } catch {
    throw new ConfigError(
      'AZURE_CLIENT_CERTIFICATE_PATH',
      'must name a PEM file holding the certificate and its private key (AZURE_CLIENT_CERTIFICATE_PASSWORD if the key is encrypted)',
    );
  }
}
