import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

/** The connection closed or failed before the body ended: the caller is gone, there is no one to answer. */
export class BodyIncompleteError extends Error {}

/**
 * Reads the whole body, refusing as soon as it passes `limit` bytes. Stream events rather than
 * `for await`: an async iterator per request costs several promises per chunk on the hot path.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.off('end', onEnd);
      settled = true;
      reject(new BodyTooLargeError());
    };
    const onEnd = () => {
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    // A caller gone before the end of its body: nothing waits for `end` forever. Every request emits
    // `close` when it is done, so only an unsettled read builds an error (a stack trace costs ~4 % of the CPU).
    const gone = () => {
      if (!settled) reject(new BodyIncompleteError('the request closed before its body ended'));
    };
    req.once('error', gone);
    req.once('close', gone);
  });
}
