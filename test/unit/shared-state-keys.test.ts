import { throttleScopeOf } from '../../src/auth/throttle-scope';
import { loadConfig } from '../../src/config';
import { callerKey, callerLimited } from '../../src/graphql/edge/caller-limit';
import { fakeGraphToken } from '../support/replicas';

const TENANT = { tid: 'tenant-1', appid: 'app-1' };
const bearer = (claims: { oid: string; tid: string; appid: string }) => `Bearer ${fakeGraphToken(claims)}`;

describe('throttling scopes', () => {
  it('passthrough and obo: one per application and tenant of the Graph token, hashed', () => {
    for (const mode of ['passthrough', 'obo'] as const) {
      const env = mode === 'obo' ? { AUTH_DISABLED: 'true', AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' } : {};
      const scopeOf = throttleScopeOf(loadConfig({ GRAPH_AUTH: mode, ...env }).graph);
      const alice = scopeOf(bearer({ oid: 'alice', ...TENANT }));
      expect(scopeOf(bearer({ oid: 'bob', ...TENANT }))).toBe(alice);
      expect(scopeOf(bearer({ oid: 'alice', ...TENANT, tid: 'tenant-2' }))).not.toBe(alice);
      expect(scopeOf(bearer({ oid: 'alice', ...TENANT, appid: 'app-2' }))).not.toBe(alice);
      expect(alice).toMatch(/^[\w-]{22}$/);
      expect(alice).not.toContain('tenant');
    }
  });

  it('a token without the claims shares its scope with no other token', () => {
    const scopeOf = throttleScopeOf(loadConfig({ GRAPH_AUTH: 'passthrough' }).graph);
    expect(scopeOf('Bearer opaque-one')).not.toBe(scopeOf('Bearer opaque-two'));
  });

  it('app mode: the configured identity in the tenant it was asked in; emulator mode: one per tenant', () => {
    const app = throttleScopeOf(loadConfig({ GRAPH_AUTH: 'app', AUTH_DISABLED: 'true', AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }).graph);
    expect(app('Bearer one')).toBe(app('Bearer two'));
    const inTenant = (tid: string) => app(bearer({ oid: 'sp', tid, appid: 'c' }));
    expect(inTenant('tenant-1')).toBe(inTenant('TENANT-1'));
    expect(inTenant('tenant-1')).not.toBe(inTenant('tenant-2'));
    const emulator = throttleScopeOf(loadConfig({}).graph);
    expect(emulator('Bearer x')).toBe(emulator('Bearer y'));
    expect(emulator('Bearer x')).not.toBe(app('Bearer one'));
  });
});

describe('callers', () => {
  const identity = { oid: 'alice', sub: 'alice-sub', tid: 'tenant-1', appId: 'a', principal: 'user' as const };
  it('is the validated token’s oid (else sub), the Graph token’s oid in passthrough, else the address; hashed', () => {
    const byToken = callerKey('token', { identity, bearer: undefined, clientAddress: '10.0.0.1' });
    expect(callerKey('token', { identity, bearer: undefined, clientAddress: '10.0.0.2' })).toBe(byToken);
    expect(callerKey('token', { identity: { ...identity, oid: undefined }, bearer: undefined, clientAddress: '10.0.0.1' })).not.toBe(byToken);
    const graphToken = fakeGraphToken({ oid: 'alice', ...TENANT });
    expect(callerKey('graph-token', { identity: undefined, bearer: graphToken, clientAddress: '10.0.0.9' })).toBe(byToken);
    const byAddress = callerKey('address', { identity: undefined, bearer: graphToken, clientAddress: '10.0.0.1' });
    expect(byAddress).not.toBe(byToken);
    expect(callerKey('graph-token', { identity: undefined, bearer: 'opaque', clientAddress: '10.0.0.1' })).toBe(byAddress);
    expect(byToken + byAddress).not.toMatch(/alice|10\.0/);
  });

  it('the same oid in two tenants is two callers', () => {
    const inA = callerKey('token', { identity, bearer: undefined, clientAddress: '10.0.0.1' });
    expect(callerKey('token', { identity: { ...identity, tid: 'tenant-2' }, bearer: undefined, clientAddress: '10.0.0.1' })).not.toBe(inA);
    const graphToken = (tid: string) => fakeGraphToken({ oid: 'alice', tid, appid: 'app-1' });
    expect(callerKey('graph-token', { identity: undefined, bearer: graphToken('tenant-2'), clientAddress: '' })).not.toBe(inA);
  });

  it('past the limit: 429, Retry-After in whole seconds (at least one), THROTTLED with limit "caller"', () => {
    expect(callerLimited(1_200)).toMatchObject({ status: 429, code: 'THROTTLED', extensions: { retryAfterSeconds: 2, limit: 'caller' } });
    expect(callerLimited(0).headers?.get('retry-after')).toBe('1');
  });
});
