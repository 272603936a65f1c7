import { setMaxListeners } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Above any operation's Graph calls in flight at once (MAX_GRAPH_CALLS_PER_OPERATION is 10 by default). */
const MAX_CONCURRENT_LISTENERS = 100;

/**
 * The request's stop signal: it aborts when the deadline passes or the caller goes away, and the
 * deadline's instant counts against the retry budget too (the body's read time included).
 */
export function requestDeadline(res: ServerResponse, deadlineMs: number): { signal: AbortSignal; deadline: number } {
  const deadline = Date.now() + deadlineMs;
  const controller = new AbortController();
  // Every Graph attempt in flight listens to this signal (undici's one listener each), and a page of 20 sessions
  // with their files reads 20 at once: more than Node's default of 10 without any leak.
  setMaxListeners(MAX_CONCURRENT_LISTENERS, controller.signal);
  const timer = setTimeout(() => controller.abort(new DOMException('The request deadline passed.', 'TimeoutError')), deadlineMs);
  res.once('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) controller.abort(new DOMException('The caller went away.', 'AbortError'));
  });
  return { signal: controller.signal, deadline };
}
