import { isDeepStrictEqual } from 'node:util';
import type { RunningServer } from './servers';
import { AUTHORIZATION, EXPECTED_SESSION } from './seed';

/** Sends the variant its request once and throws unless the answer is the seed session, every field right. */
export async function checkAnswer(server: RunningServer): Promise<void> {
  const { url, method, body } = server.target;
  const response = await fetch(url, { method, body, headers: { 'content-type': 'application/json', authorization: AUTHORIZATION } });
  const text = await response.text();
  const json = parseJson(text) as { isUploadDone?: unknown; data?: { completeUploadSession?: unknown }; errors?: unknown };
  const session = json.data?.completeUploadSession;
  // The floor answers the whole mapping (fields the mutation does not select, such as reviewContext, too).
  const answered = server.name === 'floor' ? selected(session) : session;
  const ok =
    response.status === 200 &&
    (server.name === 'upstream-alone' ? json.isUploadDone === true : json.errors === undefined && isDeepStrictEqual(answered, EXPECTED_SESSION));
  if (!ok) throw new Error(`${server.name} did not answer the seed mutation correctly: ${response.status} ${text.slice(0, 400)}`);
}

function selected(session: unknown): unknown {
  if (typeof session !== 'object' || session === null) return session;
  return Object.fromEntries(Object.keys(EXPECTED_SESSION).map((key) => [key, (session as Record<string, unknown>)[key]]));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
