import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { SEED_SESSION_KEY } from '../../src/emulator/control/seed';
import { spawnProcess, type Spawned } from '../support/spawn';
import { multipart } from '../integration/emulator-http';
import { raw as rawRequest, seededRandom, type Piece } from '../support/raw-http';

/**
 * Bad input must never take the emulator down: a separate `npm run emulator` process (dist build) is fed
 * oversized, truncated and slow bodies, odd methods and paths, bad JSON and broken multipart over raw
 * sockets on 127.0.0.1, then must still serve the seed. A bounded, seeded loop, so a failure replays.
 */

const { catalogId, resourceId, uploadSessionId } = SEED_SESSION_KEY;
const COLLECTION = `/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/${catalogId}/accessPackageResources/${resourceId}/uploadSessions`;
const SEED_PATH = `${COLLECTION}/${uploadSessionId}`;
const ROUNDS = 160;
const PARALLEL = 8;

/** A piece of a raw request: bytes to write, or a pause (a slow client). */

let emulator: Spawned;
let port: number;
beforeAll(async () => {
  emulator = spawnProcess(process.execPath, ['dist/emulator/main.js'], { EMULATOR_PORT: '0', EMULATOR_HOST: '127.0.0.1' });
  const [, address] = await emulator.waitFor(/GRAPH_BASE_URL=(\S+)/);
  port = Number(new URL(address!).port);
});
afterAll(async () => {
  emulator.child.kill('SIGTERM');
  await emulator.exited;
});

const raw = (pieces: Piece[], answerWithinMs?: number) => rawRequest(port, pieces, answerWithinMs);

function head(method: string, path: string, headers: Record<string, string | number> = {}): Buffer {
  const lines = Object.entries({ Host: `127.0.0.1:${port}`, Authorization: 'Bearer fuzz', ...headers }).map(([name, value]) => `${name}: ${value}`);
  return Buffer.from(`${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
}

const generator = seededRandom;

function fuzzCase(random: () => number): Piece[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const session = `${COLLECTION}/${randomUUID()}`;
  const paths = [
    COLLECTION,
    `${COLLECTION}/$count?$filter=${encodeURIComponent("status eq 'nope")}`,
    `${COLLECTION}?$top=${pick(['-1', '1e9', 'x', '999'])}&$skiptoken=%%%`,
    `${session}/uploadFile`,
    `${session}/files/${randomUUID()}`,
    `/v1.0/identityGovernance/entitlementManagement/catalogs/${catalogId}/resources/${resourceId}/uploadSessions/${uploadSessionId}/uploadFile`,
    '/beta/%ZZ/uploadSessions',
    '//',
    '*',
    'http://[',
    `/beta/${'a/'.repeat(2000)}`,
    '/_emulator/faults',
    '/_emulator/sessions',
    `${COLLECTION}/..%2F..%2F${uploadSessionId}`,
    `${COLLECTION}/${'%E0%A4%A'}`,
  ];
  const bodies: (() => { type: string; bytes: Buffer })[] = [
    () => ({ type: 'application/json', bytes: Buffer.from('{"isUploadDone": tru') }),
    () => ({ type: 'application/json', bytes: Buffer.from('[]') }),
    () => ({ type: 'application/json', bytes: Buffer.from('null') }),
    () => ({ type: 'application/json', bytes: Buffer.from('['.repeat(100_000)) }),
    () => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify({ '@odata.type': 1, data: { reviewInstanceId: 'x' } })) }),
    () => ({ type: 'application/json', bytes: Buffer.alloc(4 * 1024 * 1024 + 10, 0x20) }), // over the JSON cap
    () => ({ type: 'multipart/form-data; boundary=b', bytes: Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc') }),
    () => ({ type: 'multipart/form-data; boundary=b', bytes: Buffer.from(`--b\r\n${'X-Header: y\r\n'.repeat(3000)}\r\n`) }),
    () => ({ type: 'multipart/form-data', bytes: Buffer.from('no boundary') }),
    () => ({ type: 'multipart/form-data; boundary=b', bytes: multipart([{ name: 'file', filename: 'a.csv', content: 'a,b\n1,2\n' }]).body }),
    () => ({ type: 'application/octet-stream', bytes: Buffer.from(Array.from({ length: 2048 }, () => Math.floor(random() * 256))) }),
  ];
  const method = pick(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE', 'FOO']);
  const path = pick(paths);
  const body = pick(bodies)();
  const shape = pick(['whole', 'truncated', 'slow', 'chunked', 'lying-length'] as const);
  switch (shape) {
    case 'whole':
      return [head(method, path, { 'Content-Type': body.type, 'Content-Length': body.bytes.length }), body.bytes];
    case 'truncated': // the client goes away before the body it announced has arrived
      return [head(method, path, { 'Content-Type': body.type, 'Content-Length': body.bytes.length + 1000 }), body.bytes.subarray(0, Math.floor(body.bytes.length / 2))];
    case 'slow':
      return [head(method, path, { 'Content-Type': body.type, 'Content-Length': body.bytes.length }), body.bytes.subarray(0, 10), { pauseMs: 300 }, body.bytes.subarray(10)];
    case 'chunked': // no length at all, and a chunk that never ends
      return [head(method, path, { 'Content-Type': body.type, 'Transfer-Encoding': 'chunked' }), Buffer.from(`${body.bytes.length.toString(16)}\r\n`), body.bytes];
    case 'lying-length':
      return [head(method, path, { 'Content-Type': body.type, 'Content-Length': 'abc' }), body.bytes];
  }
}

describe('the emulator survives bad input', () => {
  it(`answers or drops ${ROUNDS} malformed requests and still serves the seed`, async () => {
    const random = generator(20261130);
    const cases = Array.from({ length: ROUNDS }, () => fuzzCase(random));
    // Never the seed's own DELETE: the seed must still be there to be read at the end.
    const statuses: string[] = [];
    for (let i = 0; i < cases.length; i += PARALLEL) {
      statuses.push(...(await Promise.all(cases.slice(i, i + PARALLEL).map((pieces) => raw(pieces)))));
      expect(emulator.child.exitCode).toBeNull();
    }
    // The oversized JSON body, explicitly: 413, and the process lives on. The answer is asserted, so it is
    // given 15 s rather than the fuzz rounds' 1.5 s: 5 MB written on a loaded machine must not read as no answer.
    const oversized = Buffer.alloc(5 * 1024 * 1024, 0x20);
    expect(await raw([head('PATCH', SEED_PATH, { 'Content-Type': 'application/json', 'Content-Length': oversized.length }), oversized], 15_000)).toMatch(/^HTTP\/1\.1 413 /);
    expect(statuses.some((status) => status.startsWith('HTTP/1.1 4'))).toBe(true);

    const seed = await request(`http://127.0.0.1:${port}${SEED_PATH}`, { headers: { authorization: 'Bearer after-fuzz' } });
    expect(seed.statusCode).toBe(200);
    expect(((await seed.body.json()) as { id: string }).id).toBe(uploadSessionId);
    expect(emulator.child.exitCode).toBeNull();
    expect(emulator.output.join('\n')).not.toMatch(/TypeError|Unhandled|at .*\.js:\d+/);
  });
});
