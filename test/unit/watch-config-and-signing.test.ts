import { Webhook } from 'standardwebhooks';
import { ConfigError, loadConfig } from '../../src/config';
import { retryDelayMs, signedHeaders } from '../../src/watch/webhook-sender';

const CATALOG = '73eb2497-3b88-4c0a-8bb3-68ba8162beff';
const RESOURCE = '99ab2454-3b88-4c0a-8bb3-68ba8162beff';
const TENANT = '11111111-2222-4333-8444-555555555555';
const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const APP = { GRAPH_AUTH: 'app', AUTH_DISABLED: 'true', AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' };

describe('watch configuration', () => {
  it('is off by default, with the contract’s defaults', () => {
    expect(loadConfig({}).watch).toEqual({ targets: [], intervalMs: 60_000, deadlineWarningMs: 30 * 60_000, webhook: undefined });
  });

  it('reads pairs, lower-cased; in app mode the tenant is the home one, a prefix must name it', () => {
    const { watch } = loadConfig({ ...APP, WATCH: `${CATALOG.toUpperCase()}/${RESOURCE}, ${TENANT}:${CATALOG}/${TENANT}`, WATCH_INTERVAL_S: '5' });
    expect(watch.targets).toEqual([
      { tenantId: TENANT, catalogId: CATALOG, resourceId: RESOURCE, label: `${CATALOG}/${RESOURCE}` },
      { tenantId: TENANT, catalogId: CATALOG, resourceId: TENANT, label: `${TENANT}:${CATALOG}/${TENANT}` },
    ]);
    expect(watch.intervalMs).toBe(5_000);
    expect(loadConfig({ WATCH: `${CATALOG}/${RESOURCE}` }).watch.targets[0]!.tenantId).toBe('');
  });

  it('takes a webhook: https, or http on loopback; its secret in the Standard Webhooks form', () => {
    const { webhook } = loadConfig({ WATCH: `${CATALOG}/${RESOURCE}`, WEBHOOK_URL: 'http://127.0.0.1:9/hook', WEBHOOK_SECRET: SECRET }).watch;
    expect(webhook).toMatchObject({ url: new URL('http://127.0.0.1:9/hook'), retryMs: 3_600_000 });
    expect(String(webhook!.secret)).toBe('[redacted]');
  });

  it.each([
    [{ GRAPH_AUTH: 'passthrough', WATCH: `${CATALOG}/${RESOURCE}` }, 'WATCH'],
    [{ WATCH: 'not-a-pair' }, 'WATCH'],
    [{ WATCH: `${CATALOG}/${RESOURCE},${CATALOG}/${RESOURCE}` }, 'WATCH'],
    [{ ...APP, WATCH: `22222222-2222-4333-8444-555555555555:${CATALOG}/${RESOURCE}` }, 'WATCH'],
    [{ WATCH_INTERVAL_S: '0' }, 'WATCH_INTERVAL_S'],
    [{ WATCH_DEADLINE_WARNING_MIN: '120' }, 'WATCH_DEADLINE_WARNING_MIN'],
    [{ WATCH: `${CATALOG}/${RESOURCE}`, WEBHOOK_URL: 'http://hooks.example.com/x', WEBHOOK_SECRET: SECRET }, 'WEBHOOK_URL'],
    [{ WATCH: `${CATALOG}/${RESOURCE}`, WEBHOOK_URL: 'https://hooks.example.com/x' }, 'WEBHOOK_SECRET'],
    [{ WATCH: `${CATALOG}/${RESOURCE}`, WEBHOOK_URL: 'https://hooks.example.com/x', WEBHOOK_SECRET: 'whsec_c2hvcnQ=' }, 'WEBHOOK_SECRET'],
    [{ WATCH: `${CATALOG}/${RESOURCE}`, WEBHOOK_SECRET: SECRET }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_URL: 'https://hooks.example.com/x', WEBHOOK_SECRET: SECRET }, 'WEBHOOK_URL'],
    [{ WATCH: `${CATALOG}/${RESOURCE}`, WEBHOOK_URL: 'https://hooks.example.com/x', WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_S: '0' }, 'WEBHOOK_RETRY_S'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Configuration error: ${variable} `));
  });
});

describe('webhook signing and retries', () => {
  it('signs per Standard Webhooks: the receiver’s library verifies it; the id is the event’s', () => {
    const body = JSON.stringify({ id: 'e-1', type: 'APPLYING' });
    const headers = signedHeaders(new Webhook(SECRET), { id: 'e-1', body }, new Date());
    expect(headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'e-1', 'webhook-timestamp': expect.stringMatching(/^\d+$/) });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(SECRET).verify(body, headers)).toEqual({ id: 'e-1', type: 'APPLYING' });
    expect(() => new Webhook(SECRET).verify(body.replace('APPLYING', 'APPLIED'), headers)).toThrow();
  });

  it('waits longer after each failure, the first retry well within 30 s, never past 10 minutes', () => {
    expect(retryDelayMs(1, () => 1)).toBe(6_000);
    expect(retryDelayMs(1, () => 0)).toBe(4_000);
    expect(retryDelayMs(2, () => 0.5)).toBe(10_000);
    expect(retryDelayMs(3, () => 0.5)).toBe(20_000);
    expect(retryDelayMs(30, () => 1)).toBe(720_000);
  });
});
