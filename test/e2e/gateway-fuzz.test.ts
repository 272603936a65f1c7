import { request } from 'undici';
import { MAX_BODY_BYTES } from '../../src/http/request-body';
import { SEED } from '../support/gateway';
import { builtGatewayForTests } from '../support/spawn';
import { raw as rawRequest, seededRandom, type Piece } from '../support/raw-http';

/**
 * Bad input must never take the gateway down, nor make it answer a well-formed request with a 5xx. The built
 * gateway runs as its own process in emulator mode (the emulator inside it, as a newcomer runs it), and is fed
 * a bounded, seeded loop of requests on 127.0.0.1: well-formed ones with odd content over HTTP, and malformed
 * ones (oversized, truncated, slow, chunked without end, lying lengths, huge headers) over raw sockets.
 */

const ROUNDS = 160;
const PARALLEL = 8;
const READ_SEED = `{ uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") { id } }`;

/** A piece of a raw request: bytes to write, or a pause (a slow client). */

interface WellFormed {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

const built = builtGatewayForTests();

const generator = seededRandom;

const json = (value: unknown) => JSON.stringify(value);

/** Request bodies a client may send in good HTTP: some valid GraphQL, most of it not. */
function bodies(random: () => number): (() => { type: string; bytes: string | Buffer })[] {
  return [
    () => ({ type: 'application/json', bytes: json({ query: READ_SEED }) }),
    () => ({ type: 'application/json', bytes: json({ query: READ_SEED.replace(SEED.catalogId, 'not-a-guid') }) }),
    () => ({ type: 'application/json', bytes: json({ query: '{ uploadSession(catalogId: 1) { nope } }' }) }),
    () => ({ type: 'application/json', bytes: json({ query: 'query Q($c: ID!) { uploadSession(catalogId: $c, resourceId: $c, uploadSessionId: $c) { id } }', variables: { c: { deep: [1] } } }) }),
    () => ({ type: 'application/json', bytes: json({ query: `{${'uploadSession {'.repeat(5000)}` }) }),
    () => ({ type: 'application/json', bytes: json({ query: 123, variables: 'x', extensions: [] }) }),
    () => ({ type: 'application/json', bytes: json({ query: READ_SEED, operationName: 'Missing' }) }),
    () => ({ type: 'application/json', bytes: json({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }) }),
    () => ({ type: 'application/json', bytes: '{"query": "{ uploadSession' }),
    () => ({ type: 'application/json', bytes: '['.repeat(100_000) }),
    () => ({ type: 'application/json', bytes: 'null' }),
    () => ({ type: 'application/json', bytes: '"just a string"' }),
    () => ({ type: 'application/json', bytes: '' }),
    () => ({ type: 'application/json; charset=latin1', bytes: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }),
    () => ({ type: 'application/json', bytes: json({ query: READ_SEED, variables: { pad: 'x'.repeat(1024 * 1024) } }) }), // over 1 MB
    () => ({ type: 'multipart/form-data; boundary=b', bytes: '--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query": "{' }),
    () => ({ type: 'multipart/form-data', bytes: 'no boundary at all' }),
    () => ({ type: 'text/plain', bytes: json({ query: READ_SEED }) }),
    () => ({ type: 'application/octet-stream', bytes: Buffer.from(Array.from({ length: 2048 }, () => Math.floor(random() * 256))) }),
  ];
}

function wellFormedCase(random: () => number): WellFormed {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const method = pick(['GET', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const);
  const path = pick([
    '/graphql',
    '/graphql',
    '/graphql/',
    '/GRAPHQL',
    '//graphql',
    '/graphql?query=%ZZ',
    `/graphql?query=${encodeURIComponent(READ_SEED)}&variables=%7Bnope`,
    `/graphql?query=${encodeURIComponent(`mutation { deleteUploadSession }`)}`,
    '/graphql?extensions=%5B%5D',
    '/metrics?x=1',
    '/healthz/..',
    '/readyz',
    `/${'a/'.repeat(2000)}`,
    '/%00',
  ]);
  const headers: Record<string, string> = { ...pick<Record<string, string>>([{}, { 'apollo-require-preflight': 'true' }, { accept: 'application/graphql-response+json' }, { accept: 'text/html' }, { accept: 'image/png' }]) };
  if (random() < 0.2) headers.authorization = pick(['Bearer', 'Basic x', `Bearer ${'a'.repeat(4000)}`]);
  if (random() < 0.2) headers['x-request-id'] = pick(['ok-1', 'bad id', '\u00e9t\u00e9']).replace(/[^\x20-\x7e]/g, '?');
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return { method, path, headers };
  const body = pick(bodies(random))();
  return { method, path, headers: { ...headers, 'content-type': body.type }, body: body.bytes };
}

function malformedCase(random: () => number): Piece[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const body = Buffer.from(pick(bodies(random))().bytes);
  const path = pick(['/graphql', '/graphql?query={', '*', 'http://[', '/healthz', `/graphql?${'q'.repeat(20_000)}`]);
  const head = (headers: Record<string, string | number>) =>
    Buffer.from(`${pick(['POST', 'GET', 'FOO'])} ${path} HTTP/1.1\r\n${Object.entries({ Host: built.url.host, ...headers }).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`);
  const type = 'application/json';
  switch (pick(['truncated', 'slow', 'chunked', 'lying-length', 'huge-header', 'oversized', 'garbage'] as const)) {
    case 'truncated': // the client goes away before the body it announced has arrived
      return [head({ 'Content-Type': type, 'Content-Length': body.length + 1000 }), body.subarray(0, Math.floor(body.length / 2))];
    case 'slow':
      return [head({ 'Content-Type': type, 'Content-Length': body.length }), body.subarray(0, 10), { pauseMs: 300 }, body.subarray(10)];
    case 'chunked': // no length at all, and a chunk that never ends
      return [head({ 'Content-Type': type, 'Transfer-Encoding': 'chunked' }), Buffer.from(`${body.length.toString(16)}\r\n`), body];
    case 'lying-length':
      return [head({ 'Content-Type': type, 'Content-Length': 'abc' }), body];
    case 'huge-header':
      return [head({ 'Content-Type': type, 'X-Huge': 'h'.repeat(64 * 1024), 'Content-Length': body.length }), body];
    case 'oversized':
      return [head({ 'Content-Type': type, 'Content-Length': 8 * 1024 * 1024 }), Buffer.alloc(2 * 1024 * 1024, 0x20)];
    case 'garbage':
      return [Buffer.from(Array.from({ length: 512 }, () => Math.floor(random() * 256)))];
  }
}

const raw = (pieces: Piece[]) => rawRequest(Number(built.url.port), pieces);

async function wellFormed({ method, path, headers, body }: WellFormed): Promise<string> {
  const summary = `${method} ${path.slice(0, 80)} ${headers['content-type'] ?? ''} ${String(body ?? '').slice(0, 60)}`;
  try {
    const response = await request(`${built.url.origin}${path}`, { method, headers, body });
    await response.body.dump();
    return `${response.statusCode} ${summary}`;
  } catch (error) {
    // A body over the limit is refused unread and its connection closed: a client still sending may see a reset.
    if (body !== undefined && body.length > MAX_BODY_BYTES) return `413 or reset ${summary}`;
    throw error;
  }
}

describe('the gateway survives bad input', () => {
  it(`answers ${ROUNDS} odd well-formed requests without a 5xx, drops or refuses ${ROUNDS} malformed ones, and still serves`, async () => {
    const random = generator(20261130);
    const answers: string[] = [];
    for (let round = 0; round < ROUNDS; round += PARALLEL) {
      const batch = Array.from({ length: PARALLEL }, () => [wellFormed(wellFormedCase(random)), raw(malformedCase(random)).then(() => 'raw')]).flat();
      answers.push(...(await Promise.all(batch)));
      expect(built.process.child.exitCode).toBeNull();
    }
    const served = answers.filter((answer) => answer !== 'raw');
    expect(served).toHaveLength(ROUNDS);
    expect(served.filter((answer) => answer.startsWith('5'))).toEqual([]);
    expect(served.some((answer) => answer.startsWith('200'))).toBe(true);
    expect(served.some((answer) => answer.startsWith('4'))).toBe(true);

    const seed = await request(built.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json({ query: READ_SEED }) });
    expect(await seed.body.json()).toEqual({ data: { uploadSession: { id: SEED.uploadSessionId } } });
    const health = await request(new URL('/healthz', built.url));
    await health.body.dump();
    expect(health.statusCode).toBe(200);
    expect(built.process.child.exitCode).toBeNull();
    expect(built.process.output.filter((line) => /unhandled request failure|internal error|TypeError|RangeError|Unhandled|at .*\.js:\d+/.test(line))).toEqual([]);
  });
});
