import { postGraphQL, SEED, startTestGateway, type TestGateway } from '../support/gateway';

/** NOT_FOUND says what Graph did not find: a catalog's resource, a session, a review. */
describe('what was not found', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.stop());

  const UNKNOWN = 'dddddddd-3b88-4c0a-8bb3-68ba8162beff';
  const firstError = async (query: string) => (await postGraphQL(gateway.url, query)).body.errors?.[0];

  it('listing the sessions of an unknown resource names the catalog or its resource, not an upload session', async () => {
    const error = await firstError(`{ uploadSessions(catalogId: "${SEED.catalogId}", resourceId: "${UNKNOWN}") { totalCount } }`);
    expect(error).toMatchObject({ extensions: { code: 'NOT_FOUND', graph: { status: 404 } } });
    expect(error!.message).toBe('The catalog or its resource was not found: Microsoft Graph knows no such resource in that catalog.');
  });

  it('completing an unknown session names the upload session', async () => {
    const error = await firstError(`mutation { completeUploadSession(input: { catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", uploadSessionId: "${UNKNOWN}" }) { id } }`);
    expect(error).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: 'The upload session was not found.' });
  });

  it('reading the decisions of an unknown review names the definition', async () => {
    const input = `{ catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}", reviewDefinitionId: "${UNKNOWN}", reviewInstanceId: "${UNKNOWN}" }`;
    const error = await firstError(`{ accessReviewDecisions(input: ${input}) { totalCount } }`);
    expect(error).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: 'The access review definition was not found.' });
  });
});
