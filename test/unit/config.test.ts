import { ConfigError, loadConfig, SANDBOX_ORIGINS } from '../../src/config';

describe('loadConfig', () => {
  it('runs with no configuration in emulator mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      graphAuth: 'emulator',
      graphBaseUrl: undefined,
      graphMaxRetries: 3,
      graphAttemptTimeoutMs: 10000,
      requestDeadlineMs: 30000,
      maxGraphCallsPerOperation: 10,
      corsOrigins: SANDBOX_ORIGINS,
      production: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('defaults to global Graph beta outside emulator mode, and follows GRAPH_CLOUD', () => {
    expect(loadConfig({ GRAPH_AUTH: 'passthrough' }).graphBaseUrl?.href).toBe('https://graph.microsoft.com/beta');
    expect(loadConfig({ GRAPH_AUTH: 'passthrough', GRAPH_CLOUD: 'usgov' }).graphBaseUrl?.href).toBe('https://graph.microsoft.us/beta');
    expect(loadConfig({ GRAPH_AUTH: 'passthrough' }).corsOrigins).toEqual([]);
  });

  it('accepts http only for loopback hosts, and strips a trailing slash', () => {
    expect(loadConfig({ GRAPH_BASE_URL: 'http://127.0.0.1:9000/beta/' }).graphBaseUrl?.href).toBe('http://127.0.0.1:9000/beta');
    expect(loadConfig({ GRAPH_BASE_URL: 'http://localhost:9000/v1.0' }).graphBaseUrl?.pathname).toBe('/v1.0');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
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

  it('reads CORS origins as a list', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://127.0.0.1:5173' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://127.0.0.1:5173',
    ]);
  });

  it('serves no federation fields and checks no documents unless asked; production logs unknown documents', () => {
    expect(loadConfig({})).toMatchObject({ federation: false, trustedDocuments: 'off', trustedDocumentsManifest: undefined });
    expect(loadConfig({ NODE_ENV: 'production' }).trustedDocuments).toBe('allow');
    expect(loadConfig({ NODE_ENV: 'production', TRUSTED_DOCUMENTS: 'enforce' }).trustedDocuments).toBe('enforce');
    expect(loadConfig({ FEDERATION: 'true', TRUSTED_DOCUMENTS: 'allow' })).toMatchObject({ federation: true, trustedDocuments: 'allow' });
  });
});
