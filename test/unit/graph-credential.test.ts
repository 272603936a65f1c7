import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, OnBehalfOfCredential, WorkloadIdentityCredential } from '@azure/identity';
import { appCredential, checkCertificateFile, oboCredential } from '../../src/auth/graph-credential';
import { ConfigError, loadConfig, Secret } from '../../src/config';

const authority = loadConfig({ GRAPH_AUTH: 'passthrough' }).graph.authority;
const registration = { tenantId: 't', clientId: 'c' };

describe('Graph credentials', () => {
  it('builds exactly the credential configuration chose, never a chain', () => {
    expect(appCredential({ kind: 'client-secret', ...registration, clientSecret: new Secret('s') }, authority)).toBeInstanceOf(ClientSecretCredential);
    expect(appCredential({ kind: 'client-certificate', ...registration, certificatePath: __filename, certificatePassword: undefined }, authority)).toBeInstanceOf(
      ClientCertificateCredential,
    );
    expect(appCredential({ kind: 'workload-identity', ...registration, tokenFilePath: __filename }, authority)).toBeInstanceOf(WorkloadIdentityCredential);
    expect(appCredential({ kind: 'managed-identity', clientId: undefined }, authority)).toBeInstanceOf(ManagedIdentityCredential);
    expect(oboCredential({ kind: 'client-secret', ...registration, clientSecret: new Secret('s') }, authority, 'assertion')).toBeInstanceOf(OnBehalfOfCredential);
    expect(() => oboCredential({ kind: 'managed-identity', clientId: undefined }, authority, 'assertion')).toThrow(ConfigError);
  });

  it('refuses at start-up a certificate file that is not a PEM certificate with its key, in one line', () => {
    expect(() => checkCertificateFile({ kind: 'client-certificate', ...registration, certificatePath: __filename, certificatePassword: undefined })).toThrow(
      /^Configuration error: AZURE_CLIENT_CERTIFICATE_PATH must name a PEM file holding the certificate and its private key/,
    );
  });
});
