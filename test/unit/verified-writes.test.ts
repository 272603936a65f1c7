import { AccessReviewApplyResult } from '../../src/graph/access-reviews/decision';
import { parseFileName } from '../../src/graph/upload-sessions/file-name';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { decisionsGraph, guid, key as reviewKey, R } from '../support/decisions-graph';
import { dropConnection, fakeCall, FakeGraph, type FakeAnswer, type FakeRequest } from '../support/fake-graph';
import { BETA, created, failure, json, key, mockGraphPerTest, resource, review } from '../support/mock-graph';

/**
 * Every write through the one verification helper (transport/verified-write.ts): its answer lost after it landed,
 * then the caller sending it again. Graph here is a fake that lands each write once and drops its first answer.
 */
let graph: FakeGraph | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

const SESSION = `${BETA}/${key.uploadSessionId}`;
const NOT_FOUND = { status: 404, body: { error: { code: 'ResourceNotFound' } } };

/** One session of the resource, and Graph's answers to its writes: each lands once, its first answer is lost. */
function sessionsGraph() {
  const state = { exists: false, done: false, lost: new Set<string>() };
  const sessionJson = () => ({ ...created, isUploadDone: state.done, status: state.done ? 'complete' : 'active' });
  const once = (what: string): FakeAnswer | undefined => (state.lost.has(what) ? undefined : (state.lost.add(what), dropConnection()));
  const route = ({ method, url }: FakeRequest): FakeAnswer => {
    const path = url.pathname;
    if (method === 'POST' && path === BETA) {
      if (state.exists) return { status: 409, body: { error: { code: 'uploadSessionAlreadyExists' } } };
      state.exists = true;
      return once('create') ?? { status: 201, body: sessionJson() };
    }
    if (method === 'GET' && path === BETA) return { status: 200, body: { value: state.exists ? [sessionJson()] : [] } };
    if (path !== SESSION || !state.exists) return NOT_FOUND;
    if (method === 'GET') return { status: 200, body: sessionJson() };
    if (method === 'PATCH') {
      if (state.done) return { status: 409, body: { error: { code: 'uploadSessionAlreadyCompleted' } } };
      state.done = true;
      return once('complete') ?? { status: 200, body: sessionJson() };
    }
    state.exists = false; // DELETE
    return once('delete') ?? { status: 204 };
  };
  return { route, state };
}

describe('the caller’s writes of a session, each answer lost once', () => {
  const client = () => graph!.client('beta').sessions;
  const methods = () => graph!.lines().map((line) => line.split(' ')[0]);

  it('create: the lost answer is found by referenceId (no second POST); the caller’s repeat is CONFLICT naming it', async () => {
    graph = new FakeGraph(sessionsGraph().route);
    expect((await client().createSession(resource, review, fakeCall())).id).toBe(key.uploadSessionId);
    expect(methods()).toEqual(['POST', 'GET']);
    const repeat = await failure(client().createSession(resource, review, fakeCall()));
    expect(toGraphQLError(repeat).extensions).toMatchObject({ code: 'CONFLICT', existingUploadSessionId: key.uploadSessionId, graph: { status: 409 } });
    expect(methods()).toEqual(['POST', 'GET', 'POST', 'GET']);
  });

  it('complete: the retry’s refusal is checked by reading the session, done; so is the caller’s repeat', async () => {
    const { route, state } = sessionsGraph();
    Object.assign(state, { exists: true });
    graph = new FakeGraph(route);
    expect(await client().completeSession(key, fakeCall())).toMatchObject({ isUploadDone: true });
    expect(await client().completeSession(key, fakeCall())).toMatchObject({ isUploadDone: true });
    expect(graph.lines()).toEqual([`PATCH ${SESSION}`, `PATCH ${SESSION}`, `GET ${SESSION}?$expand=files`, `PATCH ${SESSION}`, `GET ${SESSION}?$expand=files`]);
  });

  it('delete: the retry’s 404 is the success, and so is the caller’s repeat; no read', async () => {
    const { route, state } = sessionsGraph();
    Object.assign(state, { exists: true });
    graph = new FakeGraph(route);
    await client().deleteSession(key, fakeCall());
    await client().deleteSession(key, fakeCall());
    expect(methods()).toEqual(['DELETE', 'DELETE', 'DELETE']);
  });
});

describe('the caller’s review writes, each answer lost once after the instance moved on to APPLIED', () => {
  /** Graph lands the write, loses its answer and moves the instance to Applied; writes after that are refused (409). */
  function appliedAfterFirstWrite(method: 'POST' | 'PATCH') {
    let landed = false;
    const fake = decisionsGraph('v1.0', ({ method: sent, url, json: body }) => {
      if (sent !== method) return undefined;
      if (landed) return { status: 409, body: { error: { code: 'AccessReviewInstanceNotApplying' } } };
      landed = true;
      const written = body as { applyResult: string; applyDescription: string | null };
      const decisions = fake.state.decisions.filter((item) => (method === 'POST' ? item.resource.id === R : url.pathname.endsWith(item.id)));
      for (const item of decisions) Object.assign(item, method === 'POST' ? { applyResult: written.applyResult } : written);
      fake.state.status = 'Applied';
      return dropConnection();
    });
    return fake;
  }
  const writes = () => graph!.seen.filter((request) => request.method !== 'GET').length;

  it('apply: the lost answer and the caller’s repeat both answer success, with one apply landed', async () => {
    const fake = appliedAfterFirstWrite('POST');
    graph = new FakeGraph(fake.route);
    const outcome = { applyResult: AccessReviewApplyResult.APPLIED_SUCCESSFULLY };
    await graph.client('v1.0').decisions.applyDecisions(reviewKey, outcome, fakeCall());
    await graph.client('v1.0').decisions.applyDecisions(reviewKey, outcome, fakeCall());
    expect(writes()).toBe(3); // the lost one, the transport's retry (refused), the caller's repeat (refused)
    expect(fake.state.decisions.filter((item) => item.applyResult === 'appliedSuccessfully')).toHaveLength(3);
  });

  it('record: the lost answer and the caller’s repeat both answer the decision; another description stays refused', async () => {
    const fake = appliedAfterFirstWrite('PATCH');
    graph = new FakeGraph(fake.route);
    const id = guid(fake.state.decisions[0]!.id);
    const record = (applyDescription: string) =>
      graph!.client('v1.0').decisions.recordApplied(reviewKey, id, { applyResult: AccessReviewApplyResult.APPLIED_SUCCESSFULLY, applyDescription }, fakeCall());
    expect(await record('Badge disabled')).toMatchObject({ applyResult: AccessReviewApplyResult.APPLIED_SUCCESSFULLY, applyDescription: 'Badge disabled' });
    expect(await record('Badge disabled')).toMatchObject({ applyDescription: 'Badge disabled' });
    const changed = await failure(record('Badge collected'));
    expect(toGraphQLError(changed).extensions).toMatchObject({ code: 'CONFLICT', graph: { status: 409 } });
    expect(toGraphQLError(changed).message).toBe('The access review instance must be APPLYING to take apply results; it is APPLIED.');
  });
});

describe('the caller’s upload, its answer lost after the whole file went out', () => {
  const mock = mockGraphPerTest();
  const before = { value: [{ id: 'old', name: 'a.csv', size: 4 }] };
  const file = () => ({ fileName: parseFileName('a.csv'), body: (async function* () { yield Buffer.from('a,b\n'); })() });
  const upload = (status: number, answer: unknown) =>
    mock.on('POST', `${SESSION}/uploadFile`).reply(status, async (options) => {
      for await (const chunk of options.body as AsyncIterable<Uint8Array>) void chunk;
      mock.seen.push('POST uploadFile');
      return answer;
    }, json);

  it('is found by reading the session with its files; the caller’s repeat uploads a second file, as Graph does', async () => {
    const landed = [...before.value, { id: 'new', name: 'a.csv', size: 4 }];
    mock.on('GET', /\/files\?/).reply(200, mock.recorded(before), json);
    upload(504, '');
    mock.on('GET', /expand=files$/).reply(200, mock.recorded({ ...created, files: landed }), json);
    const client = mock.clientFor('https://graph.test/beta').sessions;
    expect((await client.uploadFile(key, file(), fakeCall())).files?.map((item) => item.id)).toEqual(['old', 'new']);

    mock.on('GET', /\/files\?/).reply(200, mock.recorded({ value: landed }), json);
    upload(200, { ...created, files: [...landed, { id: 'newer', name: 'a.csv', size: 4 }] });
    expect((await client.uploadFile(key, file(), fakeCall())).files).toHaveLength(3);
    expect(mock.seen.map((line) => line.split(' ')[0])).toEqual(['GET', 'POST', 'GET', 'GET', 'POST']);
  });
});
