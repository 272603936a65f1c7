import { randomUUID } from 'node:crypto';
import type { FaultSpec } from '../../src/emulator/server/faults';
import type { GraphVersion } from '../../src/graph/graph-paths';
import { postGraphQL, registerResource, SEED, startTestGateway, type TestGateway, scriptFault } from './gateway';

/** The upload-session workflow's operations, and a gateway per test with a resource of its own (test/integration/workflow*.test.ts). */

export const FAST_BACKOFF = { GRAPH_RETRY_BASE_MS: '5', GRAPH_RETRY_MAX_MS: '20' };
export const SESSION = 'id catalogId resourceId status isUploadDone referenceId stats { filesUploaded totalBytesUploaded } reviewContext { kind reviewDefinitionId reviewInstanceId }';
// Without `files`: selecting them costs a Graph read of their own (Graph's current answers carry none inline).
export const CREATE = `mutation Create($input: CreateUploadSessionInput!) { createUploadSession(input: $input) { ${SESSION} } }`;
export const CREATE_WITH_FILES = `mutation Create($input: CreateUploadSessionInput!) { createUploadSession(input: $input) { ${SESSION} files { name } } }`;
export const READ = `query Read($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!) {
  uploadSession(catalogId: $catalogId, resourceId: $resourceId, uploadSessionId: $uploadSessionId) { ${SESSION} } }`;
export const COMPLETE = `mutation Complete($input: CompleteUploadSessionInput!) { completeUploadSession(input: $input) { id status isUploadDone } }`;
export const DELETE = `mutation Delete($input: DeleteUploadSessionInput!) { deleteUploadSession(input: $input) { deletedUploadSessionId } }`;
export const LIST = `query List($catalogId: ID!, $resourceId: ID!, $first: Int, $after: String, $filter: UploadSessionFilter) {
  uploadSessions(catalogId: $catalogId, resourceId: $resourceId, first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status referenceId } } } }`;

export interface Page {
  totalCount: number | null;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string; status: string; referenceId: string | null } }[];
}

/** The path shape each version must put on the wire (graph-api.md, "Paths"). */
export const COLLECTION_PATH: Record<GraphVersion, (catalogId: string, resourceId: string) => string> = {
  beta: (c, r) => `/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/${c}/accessPackageResources/${r}/uploadSessions`,
  'v1.0': (c, r) => `/v1.0/identityGovernance/entitlementManagement/catalogs/${c}/resources/${r}/uploadSessions`,
};

export interface Workflow {
  t: TestGateway;
  /** A resource of its own per test, so the seed session never shows up in a list. */
  resource: { catalogId: string; resourceId: string };
}

export async function startWorkflow(version: GraphVersion): Promise<Workflow> {
  const t = await startTestGateway(FAST_BACKOFF, {}, { version });
  return { t, resource: await registerResource(t, { catalogId: SEED.catalogId, resourceId: randomUUID() }) };
}

/** The operations a test runs against `current()`'s gateway and resource, as a frontend would. */
export function workflowHelpers(current: () => Workflow) {
  const gql = (query: string, variables?: Record<string, unknown>) => postGraphQL(current().t.url, query, variables);
  const graphCalls = () => current().t.emulator.requests.map((r) => `${r.method} ${r.status}`);
  const fault = (spec: FaultSpec) => scriptFault(current().t, spec);

  async function create(reviewInstanceId: string = randomUUID()): Promise<{ id: string; referenceId: string }> {
    const { body } = await gql(CREATE, { input: { ...current().resource, reviewDefinitionId: randomUUID(), reviewInstanceId } });
    expect(body.errors).toBeUndefined();
    return body.data!.createUploadSession as { id: string; referenceId: string };
  }

  async function list(variables: Record<string, unknown>): Promise<Page> {
    const { body } = await gql(LIST, { ...current().resource, ...variables });
    expect(body.errors).toBeUndefined();
    return body.data!.uploadSessions as Page;
  }

  /** Follows endCursor from the first page to the last, as a frontend's "load more" does. */
  async function allPages(first: number, filter?: Record<string, unknown>): Promise<Page[]> {
    const pages = [await list({ first, filter })];
    while (pages.at(-1)!.pageInfo.hasNextPage) pages.push(await list({ first, filter, after: pages.at(-1)!.pageInfo.endCursor }));
    return pages;
  }

  const ids = (pages: Page[]) => pages.map((page) => page.edges.map((edge) => edge.node.id));
  return { gql, graphCalls, fault, create, list, allPages, ids };
}
