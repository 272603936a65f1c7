import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createDeveloperConsole, type DeveloperConsoleOptions } from '../../src/graphql/console/developer-console';
import type { GraphQLHttpRequest, HttpAnswer } from '../../src/http/graphql-request';

const ASSETS = { js: 'window.graphiqlBundle = true;', css: '.graphiql-container {}' };
const OPTIONS: Omit<DeveloperConsoleOptions, 'ide'> = { document: 'query Q { a }', variables: { id: '1' }, graphiqlAssets: () => ASSETS };

function browserGet(search = '', acceptEncoding?: string): GraphQLHttpRequest {
  const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
  if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
  return { method: 'GET', headers, search, body: { kind: 'none' }, requestId: 'r', clientAddress: '127.0.0.1', signal: new AbortController().signal, deadline: Date.now() + 1000 };
}

function header(answer: HttpAnswer, name: string): string | undefined {
  return [...answer.headers].find(([key]) => key === name)?.[1];
}

function text(answer: HttpAnswer): string {
  const { body } = answer;
  if (typeof body === 'string') return body;
  if (!(body instanceof Uint8Array)) throw new Error('a page is never streamed');
  const encoding = header(answer, 'content-encoding');
  return (encoding === 'br' ? brotliDecompressSync(body) : gunzipSync(body)).toString('utf8');
}

it('serves Sandbox, whose page falls back to the bundled GraphiQL, compressed as the browser accepts', async () => {
  const page = createDeveloperConsole({ ide: 'sandbox', ...OPTIONS });
  const sandbox = await page(browserGet('', 'gzip, deflate, br'))!;
  expect(sandbox.status).toBe(200);
  expect(header(sandbox, 'content-encoding')).toMatch(/^(br|gzip)$/);
  expect(header(sandbox, 'vary')).toContain('Accept-Encoding');
  expect(text(sandbox)).toContain('embeddable-sandbox.cdn.apollographql.com');
  expect(text(sandbox)).toContain("location.replace(location.pathname + '?console=graphiql')");

  const graphiql = await page(browserGet('?console=graphiql', 'gzip'))!;
  expect(header(graphiql, 'content-encoding')).toBe('gzip');
  expect(text(graphiql)).toContain('window.graphiqlBundle = true;');
  const plain = await page(browserGet('?console=graphiql'))!;
  expect(header(plain, 'content-encoding')).toBeUndefined();
  expect(plain.body).toBe(text(graphiql));
});

it('leaves operations to Apollo: a POST, a GET asking for JSON', () => {
  const page = createDeveloperConsole({ ide: 'sandbox', ...OPTIONS });
  expect(page({ ...browserGet(), method: 'POST' })).toBeUndefined();
  expect(page({ ...browserGet('?query=%7Ba%7D'), headers: { accept: 'application/graphql-response+json' } })).toBeUndefined();
  expect(page({ ...browserGet(), headers: {} })).toBeUndefined();
});

it('serves GraphiQL with GRAPHQL_IDE=graphiql, and reads its bundle at start', async () => {
  let reads = 0;
  const page = createDeveloperConsole({ ide: 'graphiql', ...OPTIONS, graphiqlAssets: () => (reads++, ASSETS) });
  expect(reads).toBe(1);
  expect(text(await page(browserGet('', 'br'))!)).toContain('window.graphiqlBundle = true;');
  expect(reads).toBe(1);
});

it('says the console is off, but lets a GET operation go on to Apollo', async () => {
  const page = createDeveloperConsole({ ide: 'off', ...OPTIONS });
  const off = await page(browserGet())!;
  expect(off.status).toBe(404);
  expect(off.body).toContain('developer console is off');
  expect(page(browserGet('?query=%7Ba%7D'))).toBeUndefined();
});
