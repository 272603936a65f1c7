import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bulkhead } from 'cockatiel';
import { request } from 'undici';
import { RequestStop } from '../../src/http/request-stop';

it('aborts once, keeping the first reason, as an AbortController does', () => {
  const stop = new RequestStop();
  const heard: unknown[] = [];
  stop.addEventListener('abort', () => heard.push(stop.reason));
  stop.onabort = () => heard.push('onabort');
  expect(stop.aborted).toBe(false);
  expect(() => stop.throwIfAborted()).not.toThrow();

  const deadline = new DOMException('The request deadline passed.', 'TimeoutError');
  stop.abort(deadline);
  stop.abort(new Error('later'));
  expect(stop.aborted).toBe(true);
  expect(heard).toEqual(['onabort', deadline]);
  expect(() => stop.throwIfAborted()).toThrow(deadline);
});

it('gives an AbortError when aborted without a reason', () => {
  const stop = new RequestStop();
  stop.abort();
  expect(stop.reason).toMatchObject({ name: 'AbortError' });
});

it('stops an undici request under way, closing its connection', async () => {
  const server = createServer(() => undefined); // never answers
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const closed = new Promise<void>((resolve) => server.once('connection', (socket) => socket.once('close', () => resolve())));
  try {
    const stop = new RequestStop();
    const call = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: stop });
    await once(server, 'request');
    stop.abort(new Error('caller left'));
    await expect(call).rejects.toThrow('caller left');
    await closed;
  } finally {
    server.close();
  }
});

it('takes a waiting call out of a cockatiel bulkhead queue', async () => {
  const slots = bulkhead(1, 1);
  let release!: () => void;
  const running = slots.execute(() => new Promise<void>((resolve) => (release = resolve)));
  const stop = new RequestStop();
  let ran = false;
  const queued = slots.execute(() => void (ran = true), stop);
  stop.abort();
  release();
  await running;
  await expect(queued).rejects.toThrow();
  expect(ran).toBe(false);
});
