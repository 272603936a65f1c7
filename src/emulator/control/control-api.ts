import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isGuid } from '../../graph/odata/ids';
import { readJson, type RequestBody } from '../server/body-reader';
import { FaultInvalidError, type FaultPlan, type FaultSpec } from '../server/faults';
import { ALL_FILES, sessionJson } from '../odata/graph-json';
import { HttpError, badRequest, echo } from '../server/http-error';
import type { Answer } from '../upload-sessions/session-handlers';
import type { SessionSeed, SessionStore } from '../upload-sessions/session-store';

/** What the control API may read and change. */
export interface ControlState {
  store: SessionStore;
  faults: FaultPlan;
  requests: unknown[];
}

/** The emulator's own control API under `/_emulator/`, for tests and frontend developers; Graph has nothing like it. */
export async function control(req: IncomingMessage, url: URL, body: RequestBody, { store, faults, requests }: ControlState): Promise<Answer> {
  const what = `${req.method} ${url.pathname}`;
  const faultId = /^DELETE \/_emulator\/faults\/([\w-]+)$/.exec(what)?.[1];
  if (faultId) {
    if (!faults.remove(faultId)) throw new HttpError(404, 'ResourceNotFound', `No fault ${faultId}.`);
    return { status: 204 };
  }
  switch (what) {
    case 'GET /_emulator/faults':
      return { status: 200, body: { value: faults.list() } };
    case 'POST /_emulator/faults':
      try {
        return { status: 201, body: faults.add((await readJson(req, body)) as FaultSpec) };
      } catch (error) {
        if (error instanceof FaultInvalidError) throw badRequest(error.message);
        throw error;
      }
    case 'DELETE /_emulator/faults':
      faults.clear();
      return { status: 204 };
    case 'GET /_emulator/requests':
      return { status: 200, body: { value: requests } };
    case 'DELETE /_emulator/requests':
      requests.length = 0;
      return { status: 204 };
    case 'GET /_emulator/resources':
      return { status: 200, body: { value: store.resources.list() } };
    case 'POST /_emulator/resources': {
      const { catalogId, resourceId = randomUUID() } = (await readJson(req, body)) as { catalogId?: unknown; resourceId?: unknown };
      assertIds([catalogId, resourceId], 'catalogId and resourceId (if given) must be GUIDs.');
      if (!store.resources.add(catalogId as string, resourceId as string)) throw inAnotherCatalog(resourceId as string);
      return { status: 201, body: { catalogId, resourceId } };
    }
    case 'POST /_emulator/sessions': {
      const seed = (await readJson(req, body)) as unknown as SessionSeed;
      assertIds([seed.catalogId, seed.resourceId, seed.uploadSessionId ?? randomUUID()], 'catalogId, resourceId and uploadSessionId (if given) must be GUIDs.');
      if (!store.resources.add(seed.catalogId, seed.resourceId)) throw inAnotherCatalog(seed.resourceId);
      const session = store.add(seed);
      return { status: 201, body: { ...session.key, ...sessionJson(session, ALL_FILES) } };
    }
    default:
      throw new HttpError(404, 'ResourceNotFound', `The emulator has no ${echo(what)}.`);
  }
}

function assertIds(ids: unknown[], message: string): void {
  if (!ids.every((id) => typeof id === 'string' && isGuid(id))) throw badRequest(message);
}

function inAnotherCatalog(resourceId: string): HttpError {
  return new HttpError(409, 'Conflict', `The resource ${resourceId} is already in another catalog.`);
}
