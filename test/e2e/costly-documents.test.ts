import { request } from 'undici';
import { SEED } from '../support/gateway';
import { distinctAliases, fragmentDoubling, inlineDoubling, repeatedField, SESSION_READ } from '../support/costly-documents';
import { builtGatewayForTests } from '../support/spawn';

/**
 * Documents built to cost a replica minutes of CPU, sent the way an attacker would, to the built gateway in its
 * own process: while each is in flight, /healthz must still answer, and each is answered (refused, or served
 * cheaply). Nothing here times anything: a document that held the event loop would hold these answers past
 * jest's timeout, and the test fails.
 */

const SESSION = SESSION_READ(SEED);

const ATTACKS: { name: string; query: string; status: number; code?: string; message?: RegExp }[] = [
  { name: 'the 2 KB fragment doubling (2^40 fields; graphql-js runs it once per fragment)', query: fragmentDoubling('__typename'), status: 200 },
  { name: 'the fragment doubling with the Graph-calling field at the bottom', query: fragmentDoubling(SESSION), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', message: /could call Microsoft Graph \d+ times/ },
  { name: 'the doubling with inline fragments, 700 KB', query: inlineDoubling(SESSION, 12), status: 400, code: 'GRAPHQL_PARSE_FAILED', message: /more tha[nt] 2000 tokens/ },
  { name: '2 KB of one field repeated ({ q{a} ×400 })', query: repeatedField('q{a}', 400), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', message: /800 fields; at most 200/ },
  { name: '700 KB of distinct aliases', query: distinctAliases('__typename', 40_000), status: 400, code: 'GRAPHQL_PARSE_FAILED', message: /more tha[nt] 2000 tokens/ },
  { name: '60 aliases of the session read', query: distinctAliases(SESSION, 60), status: 400, code: 'GRAPHQL_VALIDATION_FAILED', message: /60 aliases; at most 50/ },
];

const built = builtGatewayForTests();

async function send(query: string): Promise<{ status: number; code?: string; message?: string }> {
  const response = await request(new URL('/graphql', built.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.body.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: response.statusCode, code: body.errors?.[0]?.extensions?.code, message: body.errors?.[0]?.message };
}

async function health(): Promise<number> {
  const response = await request(new URL('/healthz', built.url));
  await response.body.dump();
  return response.statusCode;
}

describe('no document under the body limit holds a replica', () => {
  it.each(ATTACKS)('$name: answered, and /healthz answers while four are in flight', async ({ query, status, code, message }) => {
    expect(Buffer.byteLength(JSON.stringify({ query }))).toBeLessThan(1_000_000);
    const attacks = Array.from({ length: 4 }, () => send(query));
    const healthy = await health();
    expect(healthy).toBe(200);
    for (const answer of await Promise.all(attacks)) {
      expect(answer).toMatchObject({ status, code });
      if (message) expect(answer.message).toMatch(message);
    }
  });
});
