import { serverAudits } from 'graphql-http';
import { startTestGateway, type TestGateway } from '../support/gateway';

/**
 * GraphQL over HTTP, fully: graphql-http's server audits (the spec's own audit suite) against the gateway,
 * every MUST and every SHOULD. MAYs are the spec's suggestions and are not asserted.
 */

/**
 * CSRF prevention stays on (the contract): a GET must carry a non-simple header, as every GraphQL client
 * configured for this gateway does. The audits know nothing of it, so their fetch adds it; nothing else changes.
 */
const preflightedFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('apollo-require-preflight', 'true');
  return fetch(input, { ...init, headers });
};

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.stop());

it('passes every MUST and SHOULD audit of graphql-http', async () => {
  const audits = serverAudits({ url: t.url.href, fetchFn: preflightedFetch });
  const required = audits.filter((audit) => /^(MUST|SHOULD) /.test(audit.name));
  expect(required.length).toBeGreaterThan(30);
  const failures: string[] = [];
  for (const audit of required) {
    const result = await audit.fn();
    if (result.status !== 'ok') failures.push(`${audit.id} ${audit.name}: ${result.reason ?? result.status}`);
  }
  expect(failures).toEqual([]);
});
