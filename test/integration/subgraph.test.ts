import { SEED, postGraphQL, startTestGateway, type TestGateway } from '../support/gateway';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on CustomDataProvidedResourceUploadSession { id status } }
}`;
const seedReference = { __typename: 'CustomDataProvidedResourceUploadSession', catalogId: SEED.catalogId, resourceId: SEED.resourceId, id: SEED.uploadSessionId };

describe('FEDERATION=true: the gateway as an Apollo Federation 2 subgraph', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ FEDERATION: 'true', MAX_GRAPH_CALLS_PER_OPERATION: '3' });
  });
  afterAll(() => t.stop());
  beforeEach(() => t.emulator.requests.splice(0));

  it('serves its SDL with the entity key', async () => {
    const { body } = await postGraphQL(t.url, '{ _service { sdl } }');
    const sdl = (body.data?._service as { sdl: string }).sdl;
    expect(sdl).toMatch(/type CustomDataProvidedResourceUploadSession\s+@key\(fields: "catalogId resourceId id"\)/);
    expect(sdl).toContain('https://specs.apollo.dev/federation/v2.3');
  });

  it('resolves entities by reading each session once per operation', async () => {
    const missing = { ...seedReference, id: '00000000-0000-4000-8000-000000000000' };
    const { body } = await postGraphQL(t.url, ENTITIES, { representations: [seedReference, seedReference, missing] });
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([
      { id: SEED.uploadSessionId, status: 'ACTIVE' },
      { id: SEED.uploadSessionId, status: 'ACTIVE' },
      null,
    ]);
    expect(t.emulator.requests.map((r) => `${r.method} ${r.path.split('/').pop()}`)).toEqual([
      `GET ${SEED.uploadSessionId}`,
      'GET 00000000-0000-4000-8000-000000000000',
    ]);
  });

  it('refuses a malformed key with BAD_USER_INPUT before calling Graph', async () => {
    const { body } = await postGraphQL(t.url, ENTITIES, { representations: [{ ...seedReference, id: 'not-a-guid' }] });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(t.emulator.requests).toEqual([]);
  });

  it('fails each representation alone: a malformed or missing key nulls only its own entity', async () => {
    const malformed = { ...seedReference, id: 'not-a-guid' };
    const keyless = { ...seedReference, catalogId: undefined };
    const { body } = await postGraphQL(t.url, ENTITIES, { representations: [seedReference, malformed, keyless, seedReference] });
    expect(body.data?._entities).toEqual([{ id: SEED.uploadSessionId, status: 'ACTIVE' }, null, null, { id: SEED.uploadSessionId, status: 'ACTIVE' }]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['_entities', 1], extensions: { code: 'BAD_USER_INPUT' } });
    expect(t.emulator.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('shares session and files reads between representations naming one session', async () => {
    const withFiles = `query ($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on CustomDataProvidedResourceUploadSession { id files { name } } } }`;
    const { body } = await postGraphQL(t.url, withFiles, { representations: [seedReference, seedReference] });
    expect(body.errors).toBeUndefined();
    expect(t.emulator.requests).toHaveLength(2); // one session read, one files read
  });

  it('counts distinct representations against MAX_GRAPH_CALLS_PER_OPERATION, from variables and from literals', async () => {
    // Representations naming one session share one read, so they count once.
    const same = await postGraphQL(t.url, ENTITIES, { representations: [seedReference, seedReference, seedReference, seedReference] });
    expect(same.body.errors).toBeUndefined();
    const four = ['1', '2', '3', '4'].map((n) => ({ ...seedReference, id: `0000000${n}-0000-4000-8000-000000000000` }));
    const fromVariables = await postGraphQL(t.url, ENTITIES, { representations: four }, { accept: 'application/graphql-response+json' });
    expect(fromVariables.status).toBe(400);
    expect(fromVariables.body.errors?.[0]).toMatchObject({
      message: 'This operation could call Microsoft Graph 4 times; the limit is 3 (MAX_GRAPH_CALLS_PER_OPERATION).',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });

    // Two distinct sessions in a literal list, each reading its files: 2 × (1 + 1). The same one twice would count 2.
    const literal = `{ _entities(representations: [${[seedReference, four[0]].map((r) => JSON.stringify(r).replace(/"(\w+)":/g, '$1:')).join(', ')}]) {
      ... on CustomDataProvidedResourceUploadSession { files { name } } } }`;
    const fromLiterals = await postGraphQL(t.url, literal);
    expect(fromLiterals.body.errors?.[0]).toMatchObject({
      message: 'This operation could call Microsoft Graph 4 times; the limit is 3 (MAX_GRAPH_CALLS_PER_OPERATION).',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(t.emulator.requests.map((r) => r.method)).toEqual(['GET']); // the four same representations' one read
  });
});

it('without FEDERATION the schema has no federation fields', async () => {
  const t = await startTestGateway();
  try {
    const { body } = await postGraphQL(t.url, '{ _service { sdl } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  } finally {
    await t.stop();
  }
});
