import { postGraphQL, SEED, startTestGateway, type TestGateway } from '../support/gateway';

/** Where introspection is off, an error must not spell out the schema a client cannot introspect. */
describe.each([
  { introspection: 'false', hints: false },
  { introspection: 'true', hints: true },
])('GRAPHQL_INTROSPECTION=$introspection', ({ introspection, hints }) => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ GRAPHQL_INTROSPECTION: introspection });
  });
  afterAll(() => gateway.stop());

  const messages = async (query: string, variables?: Record<string, unknown>) => {
    const { body } = await postGraphQL(new URL('/graphql', gateway.url), query, variables);
    expect(body.errors?.length).toBeGreaterThan(0);
    return body.errors!.map((error) => error.message);
  };
  const expectHints = (found: string[]) => {
    if (hints) expect(found.join('\n')).toMatch(/Did you mean/);
    else for (const message of found) expect(message).not.toMatch(/Did you mean|"ACTIVE"|"uploadSession"|"first"|"UploadSessionFilter"/);
  };

  it('a misspelt field', async () => {
    expectHints(await messages('{ uploadSesion }'));
  });

  it('an unknown argument and an unknown type', async () => {
    const ids = `catalogId: "${SEED.catalogId}", resourceId: "${SEED.resourceId}"`;
    expectHints(await messages(`{ uploadSessions(${ids}, frist: 2) { totalCount } }`));
    expectHints(await messages('query ($f: UploadSessionFiltr) { __typename }'));
  });

  it('an enum value misspelt in a variable', async () => {
    const query = 'query ($c: ID!, $r: ID!, $s: UploadSessionStatus) { uploadSessions(catalogId: $c, resourceId: $r, filter: { status: $s }) { totalCount } }';
    const found = await messages(query, { c: SEED.catalogId, r: SEED.resourceId, s: 'ACTIV' });
    expect(found.join('\n')).toMatch(/ACTIV/);
    expectHints(found.map((message) => message.replace('"ACTIV"', '')));
  });
});
