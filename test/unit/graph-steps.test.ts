import { MockAgent } from 'undici';
import { attemptStep } from '../../src/graph/transport/attempt-step';
import { GraphRequestError, type GraphFailure } from '../../src/graph/transport/graph-failure';
import type { GraphRequest } from '../../src/graph/transport/graph-request';
import { composeSteps, type Exchange, type GraphStep } from '../../src/graph/transport/graph-step';
import { GraphGuard } from '../../src/graph/transport/graph-guard';
import { graphSteps } from '../../src/graph/transport/graph-transport';
import { retryIdempotent } from '../../src/graph/transport/retry-policy';
import { retryStep } from '../../src/graph/transport/retry-step';
import { ScopePauses } from '../../src/graph/transport/scope-pauses';
import { credentialStep, deadlineStep, subjectStep } from '../../src/graph/transport/steps';
import { notThere, there, verifiedWrite } from '../../src/graph/transport/verified-write';
import { Metrics } from '../../src/metrics';
import { fakeCall } from '../support/fake-graph';

/** Each step of the transport alone (graph-transport.ts lists them in order), with a fake step behind it. */
const metrics = new Metrics({ defaultMetrics: false });
const request: GraphRequest = { method: 'PATCH', path: '/x', json: '{}', retryable: retryIdempotent, subject: 'upload session', permission: 'P' };
const exchange = (overrides: Partial<Exchange> = {}): Exchange => ({ request, call: fakeCall(), attempt: 0, freshConnection: false, ...overrides });
const fail = (failure: Partial<GraphFailure>) => new GraphRequestError({ kind: 'http', message: 'x', mayHaveLanded: false, ...failure });
const ok = { status: 200, json: {}, clientRequestId: 'c' };
/** A streamed body already read from its source, its end not yet sent. */
const stream = { contentType: 'x', open: async function* () {}, replayable: false, sentWhole: false, sourceError: undefined };

/** A last step that answers from a script, one entry per attempt, and records what each attempt was given. */
function scripted(...script: (GraphRequestError | typeof ok)[]) {
  const seen: Exchange[] = [];
  const step: GraphStep = {
    name: 'scripted',
    send: async (sent) => {
      seen.push({ ...sent });
      const next = script.shift()!;
      if (next instanceof GraphRequestError) throw next;
      return next;
    },
  };
  return { step, seen };
}

describe('the steps, in order', () => {
  it('are subject, retry, deadline, credential, pause, guard, attempt', () => {
    const guard = new GraphGuard({ host: 'h', maxConcurrency: 1, maxQueue: 1, breakerFailures: 5, breakerHalfOpenAfterMs: 1000, metrics });
    const pauses = new ScopePauses({ scopeOf: () => 's', metrics });
    const options = { dispatcher: new MockAgent(), guard, pauses, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }, attemptTimeoutMs: 1000, metrics };
    expect(graphSteps('https://g.test', options).map((step) => step.name)).toEqual(['subject', 'retry', 'deadline', 'credential', 'pause', 'guard', 'attempt']);
  });
});

describe('subject, deadline, credential', () => {
  it('subject: a failure from any step below says what was asked for and the permission it needs', async () => {
    const { step } = scripted(fail({ status: 404 }));
    await expect(composeSteps([subjectStep, step])(exchange())).rejects.toMatchObject({ failure: { status: 404, subject: 'upload session', permission: 'P' } });
  });

  it('deadline: no attempt begins once the request’s signal aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { step, seen } = scripted(ok);
    await expect(composeSteps([deadlineStep, step])(exchange({ call: { ...fakeCall(), signal: controller.signal } }))).rejects.toMatchObject({ failure: { kind: 'deadline', mayHaveLanded: false } });
    expect(seen).toHaveLength(0);
  });

  it('credential: asked for on every attempt, so a token can refresh between retries', async () => {
    let issued = 0;
    const call = { ...fakeCall(), authorization: async () => `Bearer ${++issued}` };
    const { step, seen } = scripted(fail({ status: 503 }), ok);
    await composeSteps([retryStep({ maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }, metrics), credentialStep, step])(exchange({ call }));
    expect(seen.map((sent) => [sent.attempt, sent.authorization, sent.freshConnection])).toEqual([
      [0, 'Bearer 1', false],
      [1, 'Bearer 2', true], // after a 503, on a connection no one used before
    ]);
  });
});

describe('retry', () => {
  const retry = retryStep({ maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 }, metrics);

  it('carries "may have landed" from an earlier attempt to the failure that leaves', async () => {
    const { step } = scripted(fail({ kind: 'network', mayHaveLanded: true }), fail({ status: 409 }));
    await expect(composeSteps([retry, step])(exchange())).rejects.toMatchObject({ failure: { status: 409, mayHaveLanded: true } });
  });

  it('does not send a streamed body again once its source was read', async () => {
    const { step, seen } = scripted(fail({ status: 503 }), ok);
    await expect(composeSteps([retry, step])(exchange({ request: { ...request, stream } }))).rejects.toMatchObject({ failure: { status: 503 } });
    expect(seen).toHaveLength(1);
  });

  it('follows the request’s own rule', async () => {
    const { step, seen } = scripted(fail({ status: 503 }), ok);
    const refusedOnly = { ...request, retryable: () => false };
    await expect(composeSteps([retry, step])(exchange({ request: refusedOnly }))).rejects.toBeInstanceOf(GraphRequestError);
    expect(seen).toHaveLength(1);
  });
});

describe('attempt: the one step that knows whether Graph may have acted', () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });
  afterEach(() => agent.close());
  const attempt = () => attemptStep({ origin: 'https://g.test', dispatcher: agent, attemptTimeoutMs: 1000, metrics });
  const outcome = (sent: Exchange = exchange({ authorization: 'Bearer t' })) =>
    attempt()
      .send(sent, () => Promise.reject(new Error('no step after the attempt')))
      .catch((error: GraphRequestError) => error.failure);

  it.each([
    [504, true],
    [500, true],
    [503, false],
    [409, false],
    [429, false],
  ])('a %i: mayHaveLanded %p', async (status, landed) => {
    agent.get('https://g.test').intercept({ path: '/x', method: 'PATCH' }).reply(status, '');
    expect(await outcome()).toMatchObject({ kind: 'http', status, mayHaveLanded: landed });
  });

  it('an unreadable 2xx surely landed', async () => {
    agent.get('https://g.test').intercept({ path: '/x', method: 'PATCH' }).reply(200, '<html>');
    expect(await outcome()).toMatchObject({ kind: 'unreadable', mayHaveLanded: true });
  });

  it.each([
    ['ECONNRESET', true],
    ['ECONNREFUSED', false],
    ['UND_ERR_HEADERS_TIMEOUT', true],
  ])('%s: mayHaveLanded %p', async (code, landed) => {
    agent.get('https://g.test').intercept({ path: '/x', method: 'PATCH' }).replyWithError(Object.assign(new Error(code), { code }));
    expect(await outcome()).toMatchObject({ mayHaveLanded: landed });
  });

  it('a lost connection before a streamed body’s end: nothing can have landed', async () => {
    agent.get('https://g.test').intercept({ path: '/x', method: 'PATCH' }).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    expect(await outcome(exchange({ authorization: 'Bearer t', request: { ...request, json: undefined, stream } }))).toMatchObject({ kind: 'network', mayHaveLanded: false });
  });
});

describe('verifiedWrite: the one check after a write that may have landed', () => {
  const write = (failure: GraphRequestError, after: 'ambiguous' | 'ambiguous-or-refused', found = there('found')) => {
    const looked: GraphFailure[] = [];
    const run = verifiedWrite({ name: 'complete', after, send: () => Promise.reject(failure), alreadyThere: async (seen) => (looked.push(seen), found) }, fakeCall());
    return { run, looked };
  };

  it('looks after an ambiguous failure, and answers what it found', async () => {
    const { run, looked } = write(fail({ kind: 'timeout', mayHaveLanded: true }), 'ambiguous');
    expect(await run).toBe('found');
    expect(looked).toHaveLength(1);
  });

  it('after a refusal only when the write says so; never after who-is-asking (403) or how-often (429)', async () => {
    for (const [failure, after, looks] of [
      [fail({ status: 409 }), 'ambiguous', false],
      [fail({ status: 409 }), 'ambiguous-or-refused', true],
      [fail({ status: 404 }), 'ambiguous-or-refused', true],
      [fail({ status: 403 }), 'ambiguous-or-refused', false],
      [fail({ status: 429 }), 'ambiguous-or-refused', false],
    ] as const) {
      const { run, looked } = write(failure, after);
      await run.catch(() => undefined);
      expect([failure.failure.status, after, looked.length]).toEqual([failure.failure.status, after, looks ? 1 : 0]);
    }
  });

  it('nothing found (or a check that fails): the write’s failure stands, with the check’s facts', async () => {
    const refusal = fail({ status: 409 });
    await expect(write(refusal, 'ambiguous-or-refused', notThere()).run).rejects.toBe(refusal);
    const phase = { required: 'APPLYING', actual: 'IN_PROGRESS' };
    await expect(write(refusal, 'ambiguous-or-refused', notThere({ phase })).run).rejects.toMatchObject({ failure: { status: 409, phase } });
    const failing = verifiedWrite({ name: 'apply', after: 'ambiguous', send: () => Promise.reject(fail({ status: 504, mayHaveLanded: true })), alreadyThere: () => Promise.reject(new Error('read failed')) }, fakeCall());
    await expect(failing).rejects.toMatchObject({ failure: { status: 504 } });
  });
});
