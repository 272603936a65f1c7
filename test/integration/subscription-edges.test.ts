import { randomUUID } from 'node:crypto';
import { postGraphQL, SEED, startTestGateway, type TestGateway } from '../support/gateway';
import { EVENTS_SUBSCRIPTION, subscribeToEvents } from '../support/subscriber';

/** A token as a passthrough caller sends it: only its claims are read before Graph sees it. */
const unsignedToken = (claims: Record<string, unknown>) =>
  [{ alg: 'RS256', typ: 'JWT' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.c2lnbmF0dXJl';

describe('subscriptions at the edges', () => {
  const listed = randomUUID();
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GRAPH_AUTH: 'passthrough', AUTH_TENANTS: listed });
  });
  afterAll(() => t.stop());

  it('a subscription sent over HTTP is refused BAD_REQUEST before anything runs, not run as a query', async () => {
    const answer = await postGraphQL(t.url, EVENTS_SUBSCRIPTION, SEED, { authorization: `Bearer ${unsignedToken({ tid: listed })}` });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
    expect(answer.body.errors?.[0]?.message).toContain('WebSocket');
  });

  it('passthrough with AUTH_TENANTS: a WebSocket token from an unlisted tenant closes with 4401, as HTTP answers 401', async () => {
    const token = unsignedToken({ tid: randomUUID() });
    expect((await postGraphQL(t.url, '{ __typename }', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
    const subscriber = subscribeToEvents(t.url, SEED, { token });
    try {
      await subscriber.until('the socket closes', (s) => s.closed !== undefined);
      expect(subscriber.closed?.code).toBe(4401);
    } finally {
      await subscriber.dispose();
    }
  });
});
