import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { readRequestBody } from '../../src/http/request-body';

function incoming(headers: Record<string, string> = { 'content-type': 'application/json' }): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers, method: 'POST' }) as unknown as PassThrough & IncomingMessage;
}
const res = () => ({ shouldKeepAlive: true }) as ServerResponse;

it('reads a JSON body sent in several chunks', async () => {
  const req = incoming();
  const body = readRequestBody(req, res(), 1024);
  req.write('{"query":');
  req.end('"{ x }"}');
  await expect(body).resolves.toEqual({ kind: 'json', value: { query: '{ x }' } });
});

it('hands on a refusal for a body that is not JSON, or over the limit, declared or streamed', async () => {
  const bad = incoming();
  const parsed = readRequestBody(bad, res(), 1024);
  bad.end('{"query":');
  await expect(parsed).resolves.toEqual({ kind: 'refused', status: 400, message: 'The request body is not valid JSON.' });

  // How the connection then closes is the answer's (lingering-close.ts, test/integration/early-refusals.test.ts).
  await expect(readRequestBody(incoming({ 'content-length': String(2 * 1024 * 1024) }), res(), 1024)).resolves.toMatchObject({ kind: 'refused', status: 413 });
  const req = incoming();
  const body = readRequestBody(req, res(), 1024);
  req.write(Buffer.alloc(1024 * 1024 + 1, 32));
  await expect(body).resolves.toMatchObject({ kind: 'refused', status: 413 });
});

it('ends, rather than waiting forever, when the caller goes away before the end of its body', async () => {
  const req = incoming();
  const body = readRequestBody(req, res(), 1024);
  req.write('{"query":');
  req.destroy(); // a closed connection: `close`, no `end`, no `error`
  await expect(body).resolves.toBeUndefined();
});
