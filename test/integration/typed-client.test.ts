import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { request } from 'undici';
import { CompleteUploadSessionDocument, UploadSessionDocument } from '../../src/client/generated';
import { SEED, startTestGateway, type TestGateway } from '../support/gateway';

/** What a frontend's client does with a generated document: typed variables in, typed data out. */
async function execute<TData, TVariables>(url: URL, document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = JSON.parse(await response.body.text()) as { data: TData; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.stop());

it('completes and reads the seed session with the generated documents', async () => {
  const before = await execute(t.url, UploadSessionDocument, SEED);
  expect(before.uploadSession?.status).toBe('ACTIVE');

  const { completeUploadSession } = await execute(t.url, CompleteUploadSessionDocument, { input: SEED });
  const bytes: number = completeUploadSession.stats.totalBytesUploaded;
  expect(bytes).toBe(2_000_000);
  expect(completeUploadSession).toMatchObject({ id: SEED.uploadSessionId, status: 'COMPLETE', isUploadDone: true });
  expect(completeUploadSession.files.map((file) => file.name)).toEqual(['building-a-access.csv']);
});
