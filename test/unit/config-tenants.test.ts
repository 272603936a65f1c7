import { ConfigError, loadConfig } from '../../src/config';

const A = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const B = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const TEMPLATE = { AUTH_ISSUER: 'https://login.microsoftonline.com/{tenantid}/v2.0', AUTH_AUDIENCE: 'api://gateway' };
const CALLER = { AUTH_ISSUER: `https://login.microsoftonline.com/${A}/v2.0`, AUTH_AUDIENCE: 'api://gateway' };
const APP = { GRAPH_AUTH: 'app', AZURE_TENANT_ID: A, AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' };

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('many tenants: start-up refuses, naming the variable in one line', () => {
  it.each([
    [{ ...TEMPLATE }, /^Configuration error: AUTH_TENANTS must be set when AUTH_ISSUER holds \{tenantid\}/],
    [{ ...TEMPLATE, AUTH_TENANTS: 'contoso.onmicrosoft.com' }, /^Configuration error: AUTH_TENANTS must list tenant ids \(GUIDs\)/],
    [{ ...APP, ...CALLER, AUTH_TENANTS: `${A},${B}`, AZURE_CLIENT_SECRET: '', AZURE_MANAGED_IDENTITY: 'true' }, /^Configuration error: AUTH_TENANTS lists other tenants \(f8cdef31/],
    [{ ...APP, ...CALLER, AUTH_TENANTS: B, AZURE_TENANT_ID: '', AZURE_CLIENT_SECRET: '', AZURE_MANAGED_IDENTITY: 'true' }, /^Configuration error: AZURE_TENANT_ID must name the managed identity’s tenant/],
    [{ ...APP, ...CALLER, AUTH_TENANTS: `${A},${B}`, AZURE_IDENTITY_DISABLE_MULTITENANTAUTH: '1' }, /^Configuration error: AZURE_IDENTITY_DISABLE_MULTITENANTAUTH is set/],
    [{ ...APP, AUTH_DISABLED: 'true', CATALOG_AUTHORIZATION: 'graph' }, /^Configuration error: CATALOG_AUTHORIZATION is graph but AUTH_DISABLED=true/],
    [{ GRAPH_AUTH: 'passthrough', CATALOG_AUTHORIZATION: 'graph' }, /^Configuration error: CATALOG_AUTHORIZATION cannot be graph with GRAPH_AUTH=passthrough/],
    [{ CATALOG_AUTHORIZATION: 'graph' }, /^Configuration error: CATALOG_AUTHORIZATION is graph but callers are not authenticated/],
    [{ CATALOG_AUTHORIZATION: 'owners' }, /^Configuration error: CATALOG_AUTHORIZATION must be one of graph, off/],
    [{ CATALOG_AUTHORIZATION_TTL_S: '-1' }, /^Configuration error: CATALOG_AUTHORIZATION_TTL_S/],
  ])('%p', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });
});

describe('many tenants: what is accepted', () => {
  it('a templated issuer with AUTH_TENANTS, lower-cased; its keys then come from the organizations document', () => {
    const config = loadConfig({ ...TEMPLATE, AUTH_TENANTS: `${A}, ${B.toUpperCase()}` });
    expect(config.auth.tenants).toEqual([A, B]);
    expect(config.auth.callers?.issuer).toBe(TEMPLATE.AUTH_ISSUER);
  });

  it('CATALOG_AUTHORIZATION: graph by default in app mode with callers, off elsewhere and with AUTH_DISABLED; TTL 60 s', () => {
    expect(loadConfig({ ...APP, ...CALLER }).catalogAuthorization).toEqual({ mode: 'graph', ttlMs: 60_000 });
    expect(loadConfig({ ...APP, AUTH_DISABLED: 'true' }).catalogAuthorization.mode).toBe('off');
    expect(loadConfig({}).catalogAuthorization.mode).toBe('off');
    expect(loadConfig({ ...CALLER, CATALOG_AUTHORIZATION: 'graph', CATALOG_AUTHORIZATION_TTL_S: '0' }).catalogAuthorization).toEqual({ mode: 'graph', ttlMs: 0 });
    expect(loadConfig({ ...APP, ...CALLER, CATALOG_AUTHORIZATION: 'off' }).catalogAuthorization.mode).toBe('off');
  });

  it('a managed identity with its own tenant only, and multi-tenant apps with the flag unset', () => {
    expect(() => loadConfig({ ...APP, ...CALLER, AUTH_TENANTS: A, AZURE_CLIENT_SECRET: '', AZURE_MANAGED_IDENTITY: 'true' })).not.toThrow();
    expect(() => loadConfig({ ...APP, ...CALLER, AUTH_TENANTS: `${A},${B}` })).not.toThrow();
  });
});
