import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { SEED, postGraphQL, startTestGateway, type TestGateway } from '../support/gateway';

// @apollo/gateway reports usage to Apollo (and probes cloud metadata hosts) unless told not to: tests stay on loopback.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

/** A second subgraph, as an access-review team would write it: it knows only the key of a session. */
const REVIEWS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type TeamReview @key(fields: "id") {
    id: ID!
    displayName: String!
    uploadSession: CustomDataProvidedResourceUploadSession!
  }
  type CustomDataProvidedResourceUploadSession @key(fields: "catalogId resourceId id", resolvable: false) {
    catalogId: ID!
    resourceId: ID!
    id: ID!
  }
  type Query { teamReview(id: ID!): TeamReview, teamReviews: [TeamReview!]!, teamReviewsByIds(ids: [ID!]!): [TeamReview]! }
`;
const seedKey = { catalogId: SEED.catalogId, resourceId: SEED.resourceId, id: SEED.uploadSessionId };
const reviews = new Map([
  ['r1', { id: 'r1', displayName: 'Building A access', uploadSession: seedKey }],
  ['r2', { id: 'r2', displayName: 'Building A access, again', uploadSession: seedKey }],
]);
/** A review holding a key that names no session: the uploads subgraph refuses that one key and no other. */
const malformed = { id: 'r-malformed', displayName: 'A key typed by hand', uploadSession: { ...seedKey, id: 'not-a-guid' } };

let uploads: TestGateway;
let reviewsServer: ApolloServer;
let supergraph: ApolloServer;
let supergraphUrl: URL;

beforeAll(async () => {
  uploads = await startTestGateway({ FEDERATION: 'true' });

  reviewsServer = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(REVIEWS_SDL),
      resolvers: {
        Query: { teamReview: (_: unknown, { id }: { id: string }) => reviews.get(id) ?? null,
          teamReviewsByIds: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => reviews.get(id) ?? (id === malformed.id ? malformed : null)), teamReviews: () => [...reviews.values()] },
      },
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const reviewsUrl = (await startStandaloneServer(reviewsServer, { listen: { port: 0, host: '127.0.0.1' } })).url;

  // Composition reads our SDL as a router's tooling would: from `_service { sdl }` over HTTP.
  const { body } = await postGraphQL(uploads.url, '{ _service { sdl } }');
  const uploadsSdl = (body.data?._service as { sdl: string }).sdl;
  const composed = composeServices([
    { name: 'uploads', url: uploads.url.href, typeDefs: parse(uploadsSdl) },
    { name: 'reviews', url: reviewsUrl, typeDefs: parse(REVIEWS_SDL) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));

  supergraph = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }) });
  supergraphUrl = new URL((await startStandaloneServer(supergraph, { listen: { port: 0, host: '127.0.0.1' } })).url);
});

afterAll(async () => {
  await supergraph?.stop();
  await reviewsServer?.stop();
  await uploads?.stop();
});

it('answers a query that crosses both subgraphs, reading the shared session once', async () => {
  uploads.emulator.requests.splice(0);
  const { body } = await postGraphQL(
    supergraphUrl,
    '{ teamReviews { displayName uploadSession { id status isUploadDone stats { totalBytesUploaded } } } }',
  );
  expect(body.errors).toBeUndefined();
  const session = { id: SEED.uploadSessionId, status: 'ACTIVE', isUploadDone: false, stats: { totalBytesUploaded: 2_000_000 } };
  expect(body.data).toEqual({
    teamReviews: [
      { displayName: 'Building A access', uploadSession: session },
      { displayName: 'Building A access, again', uploadSession: session },
    ],
  });
  // Both reviews hold the same key: one `_entities` fetch, one read of the session (test/integration/subgraph.test.ts
  // proves our own dedupe; the router may also send the key once).
  expect(uploads.emulator.requests.map((r) => r.method)).toEqual(['GET']);
});

it('keeps a refused key in its place among the entities, on the first and on repeated runs', async () => {
  // A list of reviews: the router asks for both keys in one `_entities` call and matches the answers to them by position.
  const query = `{ teamReviewsByIds(ids: ["r1", "${malformed.id}"]) { displayName uploadSession { status } } }`;
  for (const run of ['first', 'repeated']) {
    uploads.emulator.requests.splice(0);
    const { body } = await postGraphQL(supergraphUrl, query);
    const good = { displayName: 'Building A access', uploadSession: { status: 'ACTIVE' } };
    expect({ run, data: body.data }).toEqual({ run, data: { teamReviewsByIds: [good, null] } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['teamReviewsByIds', 1, 'uploadSession'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(uploads.emulator.requests.map((r) => r.method)).toEqual(['GET']);
  }
});

it('completes the session through the supergraph, down to the emulator', async () => {
  uploads.emulator.requests.splice(0);
  const { body } = await postGraphQL(
    supergraphUrl,
    `mutation ($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id status isUploadDone files { name size } } }`,
    { input: SEED },
  );
  expect(body.errors).toBeUndefined();
  expect(body.data?.completeUploadSession).toEqual({
    id: SEED.uploadSessionId,
    status: 'COMPLETE',
    isUploadDone: true,
    files: [{ name: 'building-a-access.csv', size: 2_000_000 }],
  });
  expect(uploads.emulator.requests.map((r) => r.method)).toEqual(['PATCH', 'GET']);

  const after = await postGraphQL(supergraphUrl, '{ teamReview(id: "r1") { uploadSession { status isUploadDone } } }');
  expect(after.body.data).toEqual({ teamReview: { uploadSession: { status: 'COMPLETE', isUploadDone: true } } });
});
