import type { GraphRequestError } from '../../src/graph/transport/graph-failure';
import { UploadSessionContextKind, UploadSessionStatus } from '../../src/graph/upload-sessions/upload-session';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { fakeCall } from '../support/fake-graph';
import { BETA, created, failure, json, key, mockGraphPerTest, referenceFilter, resource, review, V1 } from '../support/mock-graph';

/** The Graph client's writes of a session over undici's MockAgent (listing: graph-client-listing.test.ts). */
const graph = mockGraphPerTest();
const { on, recorded, clientFor } = graph;
const call = fakeCall;

describe('createSession', () => {
  it('POSTs the derived @odata.type and data on the v1.0 path, and maps the 201', async () => {
    let body: unknown;
    on('POST', V1).reply(201, (options) => {
      body = JSON.parse(String(options.body));
      return created;
    }, json);
    const session = await clientFor('https://graph.test/v1.0').sessions.createSession(resource, review, call());
    expect(body).toEqual({
      '@odata.type': '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession',
      data: { '@odata.type': '#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData', ...review },
    });
    expect(session).toMatchObject({ id: key.uploadSessionId, status: UploadSessionStatus.ACTIVE, files: [], referenceId: review.reviewInstanceId });
    expect(session.reviewContext).toEqual({ kind: UploadSessionContextKind.ACCESS_REVIEW, ...review });
  });

  it('retries a 429 (nothing was created) without a lookup', async () => {
    on('POST', BETA).reply(429, recorded({ error: { code: 'TooManyRequests' } }), { headers: { 'retry-after': '0' } });
    on('POST', BETA).reply(201, recorded(created), json);
    await clientFor('https://graph.test/beta').sessions.createSession(resource, review, call());
    expect(graph.seen).toEqual([`POST ${BETA}`, `POST ${BETA}`]);
  });

  it('resolves a lost answer by looking the session up by referenceId, never posting twice', async () => {
    on('POST', BETA).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    on('GET', /\?/).reply(200, recorded({ value: [created] }), json);
    const session = await clientFor('https://graph.test/beta').sessions.createSession(resource, review, call());
    expect(session.id).toBe(key.uploadSessionId);
    expect(graph.seen).toHaveLength(1);
    expect(graph.seen[0]).toContain(`GET ${BETA}?$top=1&${referenceFilter}&$count=true`);
    graph.agent.assertNoPendingInterceptors();
  });

  it.each([500, 504])('after an ambiguous %i with no session found, keeps the failure: no second POST (two calls at most)', async (status) => {
    on('POST', BETA).reply(status, recorded({ error: { code: 'x' } }), json);
    on('GET', /referenceId/).reply(200, recorded({ value: [] }), json);
    const error = (await failure(clientFor('https://graph.test/beta').sessions.createSession(resource, review, call()))) as GraphRequestError;
    expect(error.failure).toMatchObject({ kind: 'http', status, mayHaveLanded: true });
    expect(graph.seen.map((line) => line.split(' ')[0])).toEqual(['POST', 'GET']);
  });

  it('the caller’s repeat after a lost answer: the second create is CONFLICT naming the session the first one made', async () => {
    on('POST', BETA).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    on('GET', /referenceId/).reply(200, recorded({ value: [created] }), json);
    expect((await clientFor('https://graph.test/beta').sessions.createSession(resource, review, call())).id).toBe(key.uploadSessionId);
    on('POST', BETA).reply(409, recorded({ error: { code: 'uploadSessionAlreadyExists' } }), json);
    on('GET', /referenceId/).reply(200, recorded({ value: [created] }), json);
    const error = await failure(clientFor('https://graph.test/beta').sessions.createSession(resource, review, call()));
    expect(toGraphQLError(error).extensions).toMatchObject({ code: 'CONFLICT', existingUploadSessionId: key.uploadSessionId });
    expect(graph.seen.map((line) => line.split(' ')[0])).toEqual(['GET', 'POST', 'GET']);
  });

  it('treats an unreadable 201 as ambiguous and finds the session', async () => {
    on('POST', BETA).reply(201, '<html>proxy</html>');
    on('GET', /referenceId/).reply(200, { value: [created] }, json);
    expect((await clientFor('https://graph.test/beta').sessions.createSession(resource, review, call())).id).toBe(key.uploadSessionId);
  });

  it('keeps the POST’s failure when the lookup fails too', async () => {
    on('POST', BETA).reply(502, { error: { code: 'BadGateway' } }, json);
    on('GET', /referenceId/).reply(403, { error: { code: 'Forbidden' } }, json);
    const error = (await failure(clientFor('https://graph.test/beta').sessions.createSession(resource, review, call()))) as GraphRequestError;
    expect(error.failure).toMatchObject({ kind: 'http', status: 502 });
  });

  it('answers a 409 with CONFLICT naming the session that holds the pair', async () => {
    on('POST', BETA).reply(409, { error: { code: 'uploadSessionAlreadyExists' } }, json);
    on('GET', /referenceId/).reply(200, { value: [{ ...created, id: 'existing-id' }] }, json);
    const error = await failure(clientFor('https://graph.test/beta').sessions.createSession(resource, review, call()));
    expect(toGraphQLError(error).extensions).toMatchObject({ code: 'CONFLICT', existingUploadSessionId: 'existing-id', graph: { status: 409 } });
  });
});

describe('deleteSession', () => {
  it('DELETEs the session and takes the 204', async () => {
    on('DELETE', `${V1}/${key.uploadSessionId}`).reply(204, recorded(''));
    await clientFor('https://graph.test/v1.0').sessions.deleteSession(key, call());
    expect(graph.seen).toHaveLength(1);
  });

  it('takes a 404 as success: already gone, so a retry after a lost answer is safe', async () => {
    on('DELETE', `${BETA}/${key.uploadSessionId}`).reply(404, { error: { code: 'NotFound' } }, json);
    await expect(clientFor('https://graph.test/beta').sessions.deleteSession(key, call())).resolves.toBeUndefined();
  });

  it('the caller’s repeat after a lost answer: a 404 is the success, with no read', async () => {
    on('DELETE', `${BETA}/${key.uploadSessionId}`).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).times(3);
    await expect(clientFor('https://graph.test/beta').sessions.deleteSession(key, call())).rejects.toMatchObject({ failure: { kind: 'network', mayHaveLanded: true } });
    on('DELETE', `${BETA}/${key.uploadSessionId}`).reply(404, recorded({ error: { code: 'ResourceNotFound' } }), json);
    await expect(clientFor('https://graph.test/beta').sessions.deleteSession(key, call())).resolves.toBeUndefined();
    expect(graph.seen).toEqual([`DELETE ${BETA}/${key.uploadSessionId}`]);
  });

  it('retries a lost connection, then a 404 is still success', async () => {
    on('DELETE', `${BETA}/${key.uploadSessionId}`).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    on('DELETE', `${BETA}/${key.uploadSessionId}`).reply(404, '');
    await expect(clientFor('https://graph.test/beta').sessions.deleteSession(key, call())).resolves.toBeUndefined();
  });

  it('passes other refusals on', async () => {
    on('DELETE', `${BETA}/${key.uploadSessionId}`).reply(403, { error: { code: 'Forbidden' } }, json);
    expect(((await failure(clientFor('https://graph.test/beta').sessions.deleteSession(key, call()))) as GraphRequestError).failure.status).toBe(403);
  });
});
