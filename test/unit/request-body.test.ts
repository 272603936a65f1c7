import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { BodyIncompleteError, BodyTooLargeError, readBody } from '../../src/http/request-body';

function incoming(headers: Record<string, string> = {}): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

it('reads a body sent in several chunks', async () => {
  const req = incoming();
  const body = readBody(req);
  req.write('{"query":');
  req.end('"{ x }"}');
  await expect(body).resolves.toBe('{"query":"{ x }"}');
});

it('refuses a body over the limit, declared or streamed', async () => {
  await expect(readBody(incoming({ 'content-length': '11' }), 10)).rejects.toBeInstanceOf(BodyTooLargeError);
  const req = incoming();
  const body = readBody(req, 10);
  req.write('0123456789ab');
  await expect(body).rejects.toBeInstanceOf(BodyTooLargeError);
});

it('ends, rather than waiting forever, when the caller goes away before the end of its body', async () => {
  const req = incoming();
  const body = readBody(req);
  req.write('{"query":');
  req.destroy(); // a closed connection: `close`, no `end`, no `error`
  await expect(body).rejects.toBeInstanceOf(BodyIncompleteError);
});
