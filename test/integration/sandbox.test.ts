import { request } from 'undici';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';

const SANDBOX = 'https://sandbox.embed.apollographql.com';

describe('Apollo Sandbox in emulator mode, with no configuration', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(); // emulator mode, no CORS_ORIGINS, no NODE_ENV
  });
  afterAll(() => t.stop());

  it("lets the Sandbox's origin through CORS, preflight included", async () => {
    const preflight = await request(t.url, {
      method: 'OPTIONS',
      headers: { origin: SANDBOX, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    await preflight.body.dump();
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SANDBOX);
    expect(preflight.headers['access-control-allow-headers']).toContain('content-type');
  });

  it('answers its introspection', async () => {
    const response = await request(t.url, {
      method: 'POST',
      headers: { origin: SANDBOX, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __schema { mutationType { fields { name } } } }' }),
    });
    expect(response.headers['access-control-allow-origin']).toBe(SANDBOX);
    const { data } = (await response.body.json()) as { data: { __schema: { mutationType: { fields: { name: string }[] } } } };
    expect(data.__schema.mutationType.fields.map((field) => field.name).sort()).toEqual([
      'applyAccessReviewDecisions',
      'completeUploadSession',
      'createUploadSession',
      'deleteUploadSession',
      'recordAccessReviewDecisionApplied',
      'uploadSessionFile',
    ]);
  });

  it('lets a frontend dev server on this machine through CORS, and logs a refused origin once with the variable that admits it', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000']) {
      const preflight = await request(t.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      await preflight.body.dump();
      expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await request(t.url, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
      await refused.body.dump();
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
    const lines = t.logs.map((line) => JSON.parse(line) as { origin?: string; msg: string }).filter((line) => line.origin !== undefined);
    expect(lines).toEqual([expect.objectContaining({ origin: 'https://app.example.com', msg: expect.stringContaining('CORS_ORIGINS') })]);
  });

  it('opens with a read of the seeded session and its variables', async () => {
    const page = await request(t.url, { headers: { accept: 'text/html', 'x-request-id': 'console-page' } });
    const html = await page.body.text();
    expect(html).toContain('query UploadSession($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!)');
    expect(html).toContain('?console=graphiql');
    for (const id of Object.values(SEED)) expect(html).toContain(id);
    // Its one log line says what it was, not a refusal.
    const lines = t.logs.map((line) => JSON.parse(line) as { requestId?: string; msg: string; code?: string }).filter((line) => line.requestId === 'console-page');
    expect(lines).toEqual([expect.objectContaining({ msg: 'GraphQL console page', code: 'OK' })]);
  });
});
