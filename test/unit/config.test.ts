import { inspect } from 'node:util';
import { ConfigError, loadConfig, loadEmulatorConfig, SANDBOX_ORIGINS } from '../../src/config';
import { createLogger } from '../../src/logger';

const CALLER = { AUTH_ISSUER: 'https://login.microsoftonline.com/t/v2.0', AUTH_AUDIENCE: 'api://gateway' };
const APP = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' };

describe('loadConfig', () => {
  it('runs with no configuration in emulator mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      server: { port: 4000, host: '0.0.0.0', requestDeadlineMs: 30000, corsOrigins: SANDBOX_ORIGINS, corsLoopback: true, metricsPort: undefined },
      graph: { auth: 'emulator', baseUrl: undefined, maxRetries: 3, attemptTimeoutMs: 10000 },
      graphql: { maxGraphCallsPerOperation: 10, production: false },
      upload: { maxBytes: 2 * 1024 ** 3, csvColumns: 'documented', deadlineMs: 3_600_000 },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.graph)).toBe(true);
  });

  it('defaults to global Graph beta outside emulator mode, and follows GRAPH_CLOUD', () => {
    expect(loadConfig({ GRAPH_AUTH: 'passthrough' }).graph.baseUrl?.href).toBe('https://graph.microsoft.com/beta');
    expect(loadConfig({ GRAPH_AUTH: 'passthrough', GRAPH_CLOUD: 'usgov' }).graph.baseUrl?.href).toBe('https://graph.microsoft.us/beta');
    expect(loadConfig({ GRAPH_AUTH: 'passthrough' }).server).toMatchObject({ corsOrigins: [], corsLoopback: false });
  });

  it('accepts http only for loopback hosts, and strips a trailing slash', () => {
    expect(loadConfig({ GRAPH_BASE_URL: 'http://127.0.0.1:9000/beta/' }).graph.baseUrl?.href).toBe('http://127.0.0.1:9000/beta');
    expect(loadConfig({ GRAPH_BASE_URL: 'http://localhost:9000/v1.0' }).graph.baseUrl?.pathname).toBe('/v1.0');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ NODE_ENV: 'production' }, 'GRAPH_AUTH'],
    [{ METRICS_PORT: '4000' }, 'METRICS_PORT'],
    [{ METRICS_PORT: 'nine' }, 'METRICS_PORT'],
    [{ GRAPH_BASE_URL: 'https://graph.microsoft.com' }, 'GRAPH_BASE_URL'],
    [{ GRAPH_BASE_URL: 'https://graph.microsoft.com/v2.0' }, 'GRAPH_BASE_URL'],
    [{ UPLOAD_MAX_BYTES: '0' }, 'UPLOAD_MAX_BYTES'],
    [{ UPLOAD_DEADLINE_MS: 'forever' }, 'UPLOAD_DEADLINE_MS'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ GRAPH_AUTH: 'magic' }, 'GRAPH_AUTH'],
    [{ GRAPH_BASE_URL: 'http://graph.example.com/beta' }, 'GRAPH_BASE_URL'],
    [{ GRAPH_BASE_URL: 'ftp://127.0.0.1/beta' }, 'GRAPH_BASE_URL'],
    [{ GRAPH_BASE_URL: 'not a url' }, 'GRAPH_BASE_URL'],
    [{ GRAPH_BASE_URL: 'https://user:pw@graph.example.com/beta' }, 'GRAPH_BASE_URL'],
    [{ GRAPH_MAX_RETRIES: '2.5' }, 'GRAPH_MAX_RETRIES'],
    [{ REQUEST_DEADLINE_MS: '0' }, 'REQUEST_DEADLINE_MS'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS'],
    [{ MAX_GRAPH_CALLS_PER_OPERATION: '0' }, 'MAX_GRAPH_CALLS_PER_OPERATION'],
    [{ GRAPH_CLOUD: 'mars' }, 'GRAPH_CLOUD'],
    [{ FEDERATION: 'yes' }, 'FEDERATION'],
    [{ TRUSTED_DOCUMENTS: 'strict' }, 'TRUSTED_DOCUMENTS'],
    [{ TRUSTED_DOCUMENTS: 'enforce', FEDERATION: 'true' }, 'TRUSTED_DOCUMENTS'],
    [{ TRUSTED_DOCUMENTS_MANIFEST: 'no/such/manifest.json' }, 'TRUSTED_DOCUMENTS_MANIFEST'],
    [{ GRAPH_AUTH: 'app', ...CALLER, AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' }, 'GRAPH_AUTH'],
    [{ GRAPH_AUTH: 'app', ...CALLER, ...APP, AZURE_FEDERATED_TOKEN_FILE: __filename }, 'AZURE_FEDERATED_TOKEN_FILE'],
    [{ GRAPH_AUTH: 'app', ...CALLER, AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }, 'AZURE_TENANT_ID'],
    [{ GRAPH_AUTH: 'app', ...CALLER, AZURE_TENANT_ID: 't', AZURE_CLIENT_SECRET: 's' }, 'AZURE_CLIENT_ID'],
    [{ GRAPH_AUTH: 'app', ...CALLER, AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: '/nonexistent.pem' }, 'AZURE_CLIENT_CERTIFICATE_PATH'],
    [{ GRAPH_AUTH: 'app', ...CALLER, AZURE_MANAGED_IDENTITY: 'yes' }, 'AZURE_MANAGED_IDENTITY'],
    [{ GRAPH_AUTH: 'obo', ...CALLER, AZURE_MANAGED_IDENTITY: 'true' }, 'GRAPH_AUTH'],
    [{ GRAPH_AUTH: 'app', ...APP }, 'AUTH_ISSUER'],
    [{ GRAPH_AUTH: 'obo', ...APP }, 'AUTH_ISSUER'],
    [{ GRAPH_AUTH: 'app', ...APP, ...CALLER, AUTH_DISABLED: 'true' }, 'AUTH_DISABLED'],
    [{ AUTH_DISABLED: 'maybe' }, 'AUTH_DISABLED'],
    [{ AUTH_ISSUER: 'https://login.example.com/t/v2.0' }, 'AUTH_AUDIENCE'],
    [{ AUTH_AUDIENCE: 'api://gateway' }, 'AUTH_ISSUER'],
    [{ AUTH_REQUIRED_SCOPES: 'access_as_user' }, 'AUTH_ISSUER'],
    [{ AUTH_ISSUER: 'http://login.example.com/t/v2.0', AUTH_AUDIENCE: 'api://gateway' }, 'AUTH_ISSUER'],
    [{ ...CALLER, AUTH_JWKS_URI: 'http://keys.example.com/keys' }, 'AUTH_JWKS_URI'],
    [{ AZURE_AUTHORITY_HOST: 'http://127.0.0.1:8443' }, 'AZURE_AUTHORITY_HOST'],
    [{ AZURE_AUTHORITY_HOST: 'login' }, 'AZURE_AUTHORITY_HOST'],
    [{ GRAPH_AUTH: 'obo', ...CALLER, AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: __filename, AZURE_CLIENT_CERTIFICATE_PASSWORD: 'p' }, 'AZURE_CLIENT_CERTIFICATE_PASSWORD'],
  ])('refuses %p naming %s in one line', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^Configuration error: ${variable} [^\\n]+$`));
  });

  it('turns introspection and the Sandbox off in production unless asked', () => {
    const PROD = { NODE_ENV: 'production', GRAPH_AUTH: 'passthrough' };
    expect(loadConfig({}).graphql).toMatchObject({ introspection: true, ide: 'sandbox' });
    expect(loadConfig(PROD).graphql).toMatchObject({ introspection: false, ide: 'off' });
    expect(loadConfig({ ...PROD, GRAPHQL_INTROSPECTION: 'true', GRAPHQL_SANDBOX: 'true' }).graphql).toMatchObject({ introspection: true, ide: 'sandbox' });
    expect(loadConfig({ GRAPHQL_IDE: 'graphiql' }).graphql.ide).toBe('graphiql');
    expect(() => loadConfig({ GRAPHQL_SANDBOX: 'yes' })).toThrow('GRAPHQL_SANDBOX');
    expect(() => loadConfig({ GRAPHQL_IDE: 'playground' })).toThrow('GRAPHQL_IDE');
  });

  it('reads CORS origins as a list, which replaces the development default (Sandbox and loopback dev servers)', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://127.0.0.1:5173' }).server).toMatchObject({
      corsOrigins: ['https://a.example.com', 'http://127.0.0.1:5173'],
      corsLoopback: false,
    });
    expect(loadConfig({ NODE_ENV: 'production', GRAPH_AUTH: 'emulator' }).server).toMatchObject({ corsOrigins: [], corsLoopback: false });
  });

  it('serves no federation fields and checks no documents unless asked; production logs unknown documents', () => {
    expect(loadConfig({}).graphql).toMatchObject({ federation: false, trustedDocuments: 'off', trustedDocumentsManifest: undefined });
    expect(loadConfig({ NODE_ENV: 'production', GRAPH_AUTH: 'emulator' }).graphql.trustedDocuments).toBe('allow');
    expect(loadConfig({ NODE_ENV: 'production', GRAPH_AUTH: 'emulator', TRUSTED_DOCUMENTS: 'enforce' }).graphql.trustedDocuments).toBe('enforce');
    expect(loadConfig({ FEDERATION: 'true', TRUSTED_DOCUMENTS: 'allow' }).graphql).toMatchObject({ federation: true, trustedDocuments: 'allow' });
  });

  it('picks exactly the credential the variables name', () => {
    const secret = loadConfig({ GRAPH_AUTH: 'app', ...CALLER, ...APP }).graph.credential;
    expect(secret).toMatchObject({ kind: 'client-secret', tenantId: 't', clientId: 'c' });
    expect(secret?.kind === 'client-secret' && secret.clientSecret.reveal()).toBe('s');
    expect(loadConfig({ GRAPH_AUTH: 'app', ...CALLER, AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: __filename }).graph.credential).toMatchObject({
      kind: 'client-certificate',
      certificatePath: __filename,
    });
    expect(loadConfig({ GRAPH_AUTH: 'app', ...CALLER, AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_FEDERATED_TOKEN_FILE: __filename }).graph.credential).toMatchObject({
      kind: 'workload-identity',
      tokenFilePath: __filename,
    });
    expect(loadConfig({ GRAPH_AUTH: 'app', ...CALLER, AZURE_MANAGED_IDENTITY: 'true', AZURE_CLIENT_ID: 'uami' }).graph.credential).toEqual({ kind: 'managed-identity', clientId: 'uami' });
    expect(loadConfig({ GRAPH_AUTH: 'obo', ...CALLER, ...APP }).graph.credential?.kind).toBe('client-secret');
    expect(loadConfig({ GRAPH_AUTH: 'passthrough', ...APP }).graph.credential).toBeUndefined();
  });

  it('lets app and obo run without caller authentication only when told to', () => {
    expect(loadConfig({ GRAPH_AUTH: 'app', ...APP, AUTH_DISABLED: 'true' }).auth).toEqual({ disabled: true, callers: undefined });
  });

  it('reads caller authentication', () => {
    expect(loadConfig({ ...CALLER, AUTH_AUDIENCE: 'api://gateway, 0000-client-id', AUTH_REQUIRED_SCOPES: 'a, b', AUTH_REQUIRED_ROLES: 'R' }).auth.callers).toEqual({
      issuer: CALLER.AUTH_ISSUER,
      audiences: ['api://gateway', '0000-client-id'],
      jwksUri: undefined,
      requiredScopes: ['a', 'b'],
      requiredRoles: ['R'],
      jwksCooldownMs: 30000,
    });
    expect(loadConfig({ ...CALLER, AUTH_JWKS_URI: 'https://keys.example.com/keys' }).auth.callers?.jwksUri?.href).toBe('https://keys.example.com/keys');
  });

  it('takes the scope from the Graph host and the authority from the cloud, unless overridden', () => {
    expect(loadConfig({ GRAPH_AUTH: 'passthrough' }).graph.authority).toEqual({
      host: new URL('https://login.microsoftonline.com'),
      disableInstanceDiscovery: false,
      graphScope: 'https://graph.microsoft.com/.default',
    });
    expect(loadConfig({ GRAPH_AUTH: 'passthrough', GRAPH_CLOUD: 'china' }).graph.authority).toMatchObject({
      host: new URL('https://login.chinacloudapi.cn'),
      graphScope: 'https://microsoftgraph.chinacloudapi.cn/.default',
    });
    expect(loadConfig({ GRAPH_AUTH: 'passthrough', GRAPH_CLOUD: 'usgovdod' }).graph.authority.graphScope).toBe('https://dod-graph.microsoft.us/.default');
    expect(loadConfig({ GRAPH_BASE_URL: 'https://graph.contoso.test/v1.0', AZURE_AUTHORITY_HOST: 'https://login.contoso.test' }).graph.authority).toEqual({
      host: new URL('https://login.contoso.test'),
      disableInstanceDiscovery: true,
      graphScope: 'https://graph.contoso.test/.default',
    });
  });

  it('configures the standalone emulator’s token checks', () => {
    expect(loadEmulatorConfig({}).auth).toBeUndefined();
    expect(loadEmulatorConfig({ EMULATOR_JWKS_URI: 'http://127.0.0.1:9/keys', EMULATOR_AUDIENCE: 'x,y' }).auth).toEqual({
      jwksUri: new URL('http://127.0.0.1:9/keys'),
      issuer: undefined,
      audiences: ['x', 'y'],
    });
  });

  it('in production, runs on the emulator only when GRAPH_AUTH says so', () => {
    expect(loadConfig({ NODE_ENV: 'production', GRAPH_AUTH: 'emulator' }).graph.auth).toBe('emulator');
  });

  it('reads METRICS_PORT and the upload limits', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).server.metricsPort).toBe(9464);
    expect(loadConfig({ UPLOAD_MAX_BYTES: '1048576', UPLOAD_CSV_COLUMNS: 'principalId, principalType', UPLOAD_DEADLINE_MS: '600000' }).upload).toEqual({
      maxBytes: 1048576,
      csvColumns: ['principalId', 'principalType'],
      deadlineMs: 600_000,
    });
    expect(loadConfig({ UPLOAD_CSV_COLUMNS: '' }).upload.csvColumns).toBe('off');
  });

  it('shares nothing and limits no caller unless asked; reads REDIS_URL (redis: or rediss:) and the per-caller limit', () => {
    expect(loadConfig({}).sharedState).toEqual({ redisUrl: undefined, redisHost: undefined, callerLimit: undefined });
    const shared = loadConfig({ REDIS_URL: 'rediss://:p%40ss@cache.example.com:6380/0', RATE_LIMIT_PER_CALLER: '600' }).sharedState;
    expect(shared.redisUrl?.reveal()).toBe('rediss://:p%40ss@cache.example.com:6380/0');
    expect(shared.redisHost).toBe('rediss://cache.example.com:6380');
    expect(shared.callerLimit).toEqual({ requests: 600, windowSeconds: 60 });
    expect(loadConfig({ RATE_LIMIT_PER_CALLER: '5', RATE_LIMIT_WINDOW_S: '1' }).sharedState.callerLimit).toEqual({ requests: 5, windowSeconds: 1 });
    expect(() => loadConfig({ REDIS_URL: 'http://cache:6379' })).toThrow('REDIS_URL must be an redis: or rediss: URL');
    expect(() => loadConfig({ RATE_LIMIT_PER_CALLER: '0' })).toThrow('RATE_LIMIT_PER_CALLER must be a whole number from 1');
    expect(() => loadConfig({ RATE_LIMIT_WINDOW_S: '0' })).toThrow('RATE_LIMIT_WINDOW_S must be a whole number from 1');
  });

  it('never prints a secret, however the config is printed', () => {
    const config = loadConfig({ GRAPH_AUTH: 'app', ...CALLER, ...APP, AZURE_CLIENT_SECRET: 'hunter2-secret', REDIS_URL: 'rediss://:hunter3-secret@cache:6380' });
    const printed = [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      String((config.graph.credential as { clientSecret: unknown }).clientSecret),
      String(config.sharedState.redisUrl),
    ];
    for (const text of printed) expect(text).not.toContain('hunter3-secret');
    for (const text of printed) expect(text).not.toContain('hunter2-secret');
    const lines: string[] = [];
    createLogger('info', { write: (line: string) => void lines.push(line) }).info({ config }, 'config');
    expect(lines.join('')).toContain('[redacted]');
    expect(lines.join('')).not.toContain('hunter2-secret');
  });
});
