import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print, type DocumentNode } from 'graphql';
import { request } from 'undici';
import * as documents from '../../src/client/generated';
import { CompleteUploadSessionDocument, UploadSessionDocument } from '../../src/client/generated';
import manifest from '../../src/client/persisted-documents.json';
import { trustedDocuments } from '../../src/graphql/edge/trusted-documents';
import { createLogger } from '../../src/logger';
import { SEED, postGraphQL, startTestGateway, type TestGateway } from '../support/gateway';

const isDocument = (value: unknown): value is DocumentNode => typeof value === 'object' && value !== null && (value as DocumentNode).kind === 'Document';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const completeText = print(CompleteUploadSessionDocument);
const readText = print(UploadSessionDocument);
const apq = (text: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(text) } });
const UNKNOWN = '{ uploadSession(catalogId: "x", resourceId: "y", uploadSessionId: "z") { id } }';

async function post(url: URL, body: Record<string, unknown>) {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.statusCode, body: (await response.body.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions: { code: string } }[] } };
}

it('the manifest holds every generated document, by the hash of its printed text', () => {
  // Every operation document (fragments are parts of them, not documents of their own).
  const generated = Object.entries(documents).filter(([name, value]) => name.endsWith('Document') && isDocument(value)).map(([, document]) => print(document as DocumentNode));
  expect(generated).toHaveLength(11);
  expect(Object.keys(manifest)).toHaveLength(generated.length);
  for (const text of generated) expect((manifest as Record<string, string>)[sha256(text)]).toBe(text);
});

describe('TRUSTED_DOCUMENTS=enforce', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ TRUSTED_DOCUMENTS: 'enforce' });
  });
  afterAll(() => t.stop());

  it('runs a manifest document sent as identical text', async () => {
    const { body } = await post(t.url, { query: readText, variables: SEED });
    expect(body.errors).toBeUndefined();
    expect(body.data?.uploadSession).toMatchObject({ id: SEED.uploadSessionId });
  });

  it('runs a manifest document named only by its APQ hash, on a cold cache, by POST and by GET', async () => {
    const { body } = await post(t.url, { extensions: apq(completeText), variables: { input: SEED } });
    expect(body.errors).toBeUndefined();
    expect(body.data?.completeUploadSession).toMatchObject({ status: 'COMPLETE' });

    const search = new URLSearchParams({ variables: JSON.stringify(SEED), extensions: JSON.stringify(apq(readText)) });
    const get = await request(`${t.url.href}?${search}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(((await get.body.json()) as { data: { uploadSession: { isUploadDone: boolean } } }).data.uploadSession.isUploadDone).toBe(true);
  });

  it('refuses any other document, as text, as an APQ registration or as an unknown hash, before calling Graph', async () => {
    t.emulator.requests.splice(0);
    const refusals = [
      await post(t.url, { query: UNKNOWN }),
      await post(t.url, { query: readText.replace('referenceId', ''), variables: SEED }),
      await post(t.url, { query: UNKNOWN, extensions: apq(UNKNOWN) }),
      await post(t.url, { extensions: apq(UNKNOWN) }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(400);
      expect(refusal.body.errors).toEqual([
        {
          message: 'This gateway runs only trusted documents (TRUSTED_DOCUMENTS=enforce), and this one is not in its persisted-documents manifest.',
          extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' },
        },
      ]);
    }
    expect(t.emulator.requests).toEqual([]);
  });
});

it('TRUSTED_DOCUMENTS=allow runs an unknown document and logs its hash once', async () => {
  const t = await startTestGateway({ TRUSTED_DOCUMENTS: 'allow' });
  try {
    for (let i = 0; i < 3; i++) {
      const { body } = await postGraphQL(t.url, UNKNOWN);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT'); // it ran: the ids were checked
    }
    const warnings = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'document not in the trusted-documents manifest');
    expect(warnings).toEqual([expect.objectContaining({ documentHash: sha256(UNKNOWN) })]);
    await postGraphQL(t.url, readText, SEED);
    expect(t.logs.filter((line) => line.includes('not in the trusted-documents manifest'))).toHaveLength(1);
  } finally {
    await t.stop();
  }
});

it('by default (off) automatic persisted queries work as Apollo defines them', async () => {
  const t = await startTestGateway();
  try {
    const first = await post(t.url, { extensions: apq(UNKNOWN) });
    expect(first.body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    await post(t.url, { query: UNKNOWN, extensions: apq(UNKNOWN) });
    const again = await post(t.url, { extensions: apq(UNKNOWN) });
    expect(again.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT'); // found and run
  } finally {
    await t.stop();
  }
});

it('refuses at start-up a manifest whose names are not the hashes of its documents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  const path = join(dir, 'persisted-documents.json');
  writeFileSync(path, JSON.stringify({ [sha256(readText)]: readText, [sha256('something else')]: UNKNOWN }));
  expect(() => trustedDocuments('enforce', path, createLogger('silent'))).toThrow(/TRUSTED_DOCUMENTS_MANIFEST: .* is not the sha256 of its text/);
  rmSync(dir, { recursive: true });
});
