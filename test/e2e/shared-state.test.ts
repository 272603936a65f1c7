import 'reflect-metadata';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import { postGraphQL, SEED, type GraphQLAnswer } from '../support/gateway';
import { freePort, startRedis, type TestRedis } from '../support/redis-server';
import { fakeGraphToken, startReplicas, stopReplicas, until, type Replica } from '../support/replicas';

jest.setTimeout(180_000);

const READ_SEED = `{ uploadSession(catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${SEED.uploadSessionId}") { id } }`;
const TENANT = { tid: '11111111-1111-4111-8111-111111111111', appid: '22222222-2222-4222-8222-222222222222' };
const OTHER_TENANT = { ...TENANT, tid: '33333333-3333-4333-8333-333333333333' };
const alice = fakeGraphToken({ oid: 'aaaaaaaa-0000-4000-8000-000000000001', ...TENANT });
const bob = fakeGraphToken({ oid: 'bbbbbbbb-0000-4000-8000-000000000002', ...TENANT });
const carol = fakeGraphToken({ oid: 'cccccccc-0000-4000-8000-000000000003', ...OTHER_TENANT });

let emulator: Emulator;
let graphBaseUrl: URL;
let redis: TestRedis | undefined;
let replicas: Replica[] = [];

beforeAll(async () => {
  emulator = createEmulator();
  graphBaseUrl = await emulator.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await emulator.close();
});
afterEach(async () => {
  await stopReplicas(replicas);
  replicas = [];
  await redis?.stop();
  redis = undefined;
  emulator.faults.clear();
  emulator.requests.length = 0;
});

/** Passthrough replicas against the emulator; a 5 s deadline, so a 30 s throttle cannot be waited out. */
function replicaEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { GRAPH_AUTH: 'passthrough', GRAPH_BASE_URL: graphBaseUrl.href, REQUEST_DEADLINE_MS: '5000', ...extra };
}

function read(replica: Replica, token: string): Promise<GraphQLAnswer> {
  return postGraphQL(replica.url, READ_SEED, undefined, { authorization: `Bearer ${token}` });
}

/** Graph calls that reached the emulator, optionally only those of one token or status. */
function graphCalls({ token, status }: { token?: string; status?: number } = {}): number {
  return emulator.requests.filter(
    (r) =>
      r.path.includes(SEED.uploadSessionId) &&
      (status === undefined || r.status === status) &&
      (token === undefined || fingerprints.get(r.tokenFingerprint ?? '') === token),
  ).length;
}

const fingerprints = new Map<string, string>();

/** Learns each token's fingerprint from one successful read: the emulator logs fingerprints, never tokens. */
async function learnFingerprints(replica: Replica, tokens: string[]): Promise<void> {
  for (const token of tokens) {
    const before = emulator.requests.length;
    expect((await read(replica, token)).body.errors).toBeUndefined();
    fingerprints.set(emulator.requests[before]!.tokenFingerprint!, token);
  }
}

async function sharing(replicas: Replica[]): Promise<void> {
  await until('every replica shares state through Redis', async () => (await Promise.all(replicas.map((r) => r.metric('gateway_shared_state_up')))).every((v) => v === 1));
}

function expectThrottled(answer: GraphQLAnswer): void {
  expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: expect.any(Number) });
  expect(answer.body.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
}

describe('one pause per throttling scope', () => {
  it('with Redis: after one 429 no replica sends Graph another call in that scope until the pause ends', async () => {
    redis = await startRedis();
    replicas = await startReplicas(3, replicaEnv({ REDIS_URL: redis.url }));
    await sharing(replicas);
    await learnFingerprints(replicas[0]!, [alice, carol]);
    emulator.requests.length = 0;
    emulator.faults.add({ method: 'GET', status: 429, retryAfter: '30' });

    expectThrottled(await read(replicas[0]!, alice)); // Graph's 429; 30 s is past the deadline: no retry
    expect(graphCalls({ status: 429 })).toBe(1);
    await until('the other replicas heard of the pause', async () => {
      const heard = await Promise.all(replicas.slice(1).map((r) => r.metric('gateway_graph_pauses_total{origin="replica"}')));
      return heard.every((count) => count >= 1);
    });
    for (let round = 0; round < 5; round++) {
      for (const replica of replicas) expectThrottled(await read(replica, round % 2 ? alice : bob));
    }
    expect(graphCalls()).toBe(1);

    // Another tenant is another scope: its calls still go to Graph.
    expectThrottled(await read(replicas[1]!, carol));
    expect(graphCalls({ token: carol })).toBe(1);
    expect(graphCalls()).toBe(2);
  });

  it('without Redis: each replica sends one call into the throttle, then holds its own', async () => {
    replicas = await startReplicas(3, replicaEnv());
    emulator.faults.add({ method: 'GET', status: 429, retryAfter: '30' });
    for (let round = 0; round < 5; round++) {
      for (const replica of replicas) expectThrottled(await read(replica, alice));
    }
    expect(graphCalls()).toBe(3);
    for (const replica of replicas) expect(await replica.metric('gateway_shared_state_up')).toBe(0);
  });

  it('a request whose deadline allows it waits the pause out and succeeds; Graph sees nothing in the window but the 429', async () => {
    redis = await startRedis();
    replicas = await startReplicas(3, replicaEnv({ REDIS_URL: redis.url, REQUEST_DEADLINE_MS: '30000' }));
    await sharing(replicas);
    emulator.faults.add({ method: 'GET', status: 429, retryAfter: '2', times: 1 });

    const first = read(replicas[0]!, alice);
    await until('Graph answered 429', () => graphCalls({ status: 429 }) === 1);
    await until('the other replicas heard of the pause', async () => {
      const heard = await Promise.all(replicas.slice(1).map((r) => r.metric('gateway_graph_pauses_total{origin="replica"}')));
      return heard.every((count) => count >= 1);
    });
    const answers = await Promise.all([first, ...replicas.flatMap((replica) => [read(replica, alice), read(replica, bob)])]);
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();

    const throttled = emulator.requests.find((r) => r.status === 429)!;
    const inWindow = emulator.requests.filter((r) => r !== throttled && r.receivedAt < throttled.receivedAt + 2_000);
    expect(inWindow).toEqual([]);
    expect(graphCalls({ status: 200 })).toBe(answers.length);
  });
});

describe('the per-caller limit', () => {
  it('with Redis: holds exactly across replicas, and refused requests never reach Graph', async () => {
    redis = await startRedis();
    replicas = await startReplicas(3, replicaEnv({ REDIS_URL: redis.url, RATE_LIMIT_PER_CALLER: '4', RATE_LIMIT_WINDOW_S: '600' }));
    await sharing(replicas);
    const answers: GraphQLAnswer[] = [];
    for (let i = 0; i < 9; i++) answers.push(await read(replicas[i % 3]!, alice));
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200 && a.body.errors === undefined)).toHaveLength(4);
    expect(refused).toHaveLength(5);
    for (const answer of refused) {
      expect(answer.body.errors![0]!.extensions).toEqual({ code: 'THROTTLED', limit: 'caller', retryAfterSeconds: expect.any(Number) });
      expect(Number(answer.headers['retry-after'])).toBe(answer.body.errors![0]!.extensions!.retryAfterSeconds);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(graphCalls()).toBe(4);

    // Another caller has its own count.
    expect((await read(replicas[2]!, bob)).body.errors).toBeUndefined();
    expect(graphCalls()).toBe(5);
  });

  it('without Redis: each replica counts on its own', async () => {
    replicas = await startReplicas(3, replicaEnv({ RATE_LIMIT_PER_CALLER: '2', RATE_LIMIT_WINDOW_S: '600' }));
    const answers: GraphQLAnswer[] = [];
    for (let i = 0; i < 9; i++) answers.push(await read(replicas[i % 3]!, alice));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(6);
    expect(graphCalls()).toBe(6);
  });
});

describe('Redis is never a single point of failure', () => {
  /** Each replica read by a loop of its own, one request at a time, until `stop` resolves. */
  function readWhile(stop: Promise<void>, answers: GraphQLAnswer[]): Promise<void[]> {
    let stopped = false;
    void stop.then(() => (stopped = true));
    return Promise.all(
      replicas.map(async (replica) => {
        while (!stopped) answers.push(await read(replica, alice));
      }),
    );
  }

  const said = (replica: Replica, pattern: RegExp) => replica.logs().filter((line) => pattern.test(line.msg ?? '')).length;

  it('down at start, then up, killed mid-run, then back: no request fails, each replica says so once, and sharing resumes', async () => {
    const port = await freePort();
    replicas = await startReplicas(3, replicaEnv({ REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_PER_CALLER: '1000000' }));
    for (const replica of replicas) expect((await read(replica, alice)).body.errors).toBeUndefined();
    await until('each replica said Redis is unreachable', () => replicas.every((r) => said(r, /Redis unreachable at start/) === 1));

    redis = await startRedis(port);
    await sharing(replicas);

    const answers: GraphQLAnswer[] = [];
    let stop!: () => void;
    const reading = readWhile(new Promise<void>((resolve) => (stop = resolve)), answers);
    await until('requests flow', () => answers.length >= 30);
    await redis.kill();
    await until('every replica knows Redis is gone', async () => (await Promise.all(replicas.map((r) => r.metric('gateway_shared_state_up')))).every((v) => v === 0));
    const atLoss = answers.length;
    await until('requests flow on without Redis', () => answers.length >= atLoss + 30);
    stop();
    await reading;
    expect(answers.filter((a) => a.status !== 200 || a.body.errors !== undefined)).toEqual([]);

    await redis.restart();
    await sharing(replicas);
    // Log lines leave in batches: once each replica's line saying Redis is back has arrived, every line it
    // wrote while Redis was away has too, and the loss was said once.
    await until('each replica said Redis is back', () => replicas.every((r) => said(r, /Redis reachable;/) === 2));
    for (const replica of replicas) expect(said(replica, /Redis unreachable;/)).toBe(1);
    emulator.requests.length = 0;
    emulator.faults.add({ method: 'GET', status: 429, retryAfter: '30' });
    expectThrottled(await read(replicas[0]!, alice));
    await until('the other replicas heard of the pause', async () => {
      const heard = await Promise.all(replicas.slice(1).map((r) => r.metric('gateway_graph_pauses_total{origin="replica"}')));
      return heard.every((count) => count >= 1);
    });
    for (const replica of replicas) expectThrottled(await read(replica, bob));
    expect(graphCalls()).toBe(1);
  });
});
