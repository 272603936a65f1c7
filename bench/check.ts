import { isDeepStrictEqual } from 'node:util';
import type { RunningServer } from './servers';
import { AUTHORIZATION, EXPECTED_SESSION } from './seed';

/** Sends the variant its request once and throws unless the answer is the seed session, every field right. */
export async function checkAnswer(server: RunningServer): Promise<void> {
  const { url, method, body } = server.target;
  const response = await fetch(url, { method, body, headers: { 'content-type': 'application/json', authorization: AUTHORIZATION } });
  const text = await response.text();
  const json = parseJson(text) as { isUploadDone?: unknown; data?: { completeUploadSession?: unknown }; errors?: unknown };
  const ok =
    response.status === 200 &&
    (server.name === 'upstream-alone' ? json.isUploadDone === true : json.errors === undefined && isDeepStrictEqual(json.data?.completeUploadSession, EXPECTED_SESSION));
  if (!ok) throw new Error(`${server.name} did not answer the seed mutation correctly: ${response.status} ${text.slice(0, 400)}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
