import type { GraphPaths } from '../graph-paths';
import type { ResourceKey, ReviewIds, SessionKey } from '../odata/ids';
import { pageStart, readPage } from '../odata/pages';
import { read } from '../transport/graph-answer';
import { GraphRequestError, isGraphStatus, type GraphSubject } from '../transport/graph-failure';
import type { GraphTransport } from '../transport/graph-transport';
import type { GraphAnswer, GraphCall } from '../transport/graph-request';
import type { OutgoingFile } from '../transport/multipart-body';
import { retryIdempotent, retryRefusedOnly } from '../transport/retry-policy';
import { notThere, there, verifiedWrite, type Write } from '../transport/verified-write';
import { uploadVerified } from './file-upload';
import { sessionList, type SessionPageRequest, type UploadSessionPage } from './session-list';
import { toUploadSession, type UploadedFile, type UploadSession } from './upload-session';

const COMPLETE_BODY = JSON.stringify({ isUploadDone: true });

/**
 * Graph's upload-session endpoints, called with keys and names parsed at the GraphQL edge: mapped sessions
 * back, or GraphRequestError (InvalidInputError for a cursor it did not make). Every write says once how to
 * learn whether it landed anyway, and verifiedWrite (transport/verified-write.ts) asks when it must.
 */
export class UploadSessionClient {
  constructor(
    private readonly paths: GraphPaths,
    private readonly transport: GraphTransport,
  ) {}

  /** GET: retried on 429/503/504, lost connections and timeouts (retryIdempotent). */
  async getSession(key: SessionKey, call: GraphCall, { expandFiles = false } = {}): Promise<UploadSession> {
    const query = expandFiles ? '?$expand=files' : '';
    return read(await this.get(this.paths.session(key) + query, call), (json) => toUploadSession(json, key));
  }

  /** The session's whole file list, through `$expand=files` (the shape older answers carry inline): one call. */
  async getFiles(key: SessionKey, call: GraphCall): Promise<UploadedFile[]> {
    const session = await this.getSession(key, call, { expandFiles: true });
    return session.files ?? [];
  }

  /**
   * One GET of the resource's sessions, newest first, with `$count=true`. A page starts where the `after`
   * cursor says: Graph's own nextLink when Graph gave one, else a `$skip` position.
   */
  async listSessions(resource: ResourceKey, request: SessionPageRequest, call: GraphCall): Promise<UploadSessionPage> {
    const list = sessionList(this.paths, resource, request.filter);
    const page = await readPage(list, request.first, pageStart(list, request.after), (path) => this.get(path, call, 'resource'));
    const edges = page.items.map((node, index) => ({ node, cursor: page.cursorAfter(index) }));
    return { edges, totalCount: page.totalCount, endCursor: page.endCursor, hasNextPage: page.hasNextPage };
  }

  /**
   * PATCH `{"isUploadDone": true}`: the only update Graph allows on a session, so sending it again cannot
   * change anything but the flag it sets; retried like a GET. When Graph refuses it (an earlier attempt landed
   * and lost its answer, or the caller sent it twice, through any replica) or its outcome is unknown, the
   * session is read: one that is done is the success the caller wanted.
   */
  completeSession(key: SessionKey, call: GraphCall): Promise<UploadSession> {
    const request = { method: 'PATCH', path: this.paths.session(key), json: COMPLETE_BODY, retryable: retryIdempotent, subject: 'upload session' } as const;
    const write = {
      name: 'complete',
      after: 'ambiguous-or-refused',
      send: async () => read(await this.transport.send(request, call), (json) => toUploadSession(json, key)),
      alreadyThere: async (failure) => {
        if (failure.status === 404) return notThere(); // no session to read
        const session = await this.getSession(key, call, { expandFiles: true });
        return session.isUploadDone ? there(session) : notThere();
      },
    } satisfies Write<UploadSession>;
    return verifiedWrite(write, call);
  }

  /**
   * DELETE, retried like a GET. A 404 is the success the caller wanted: the session is gone, whether an
   * earlier attempt whose answer was lost removed it or someone else did. No read: the 404 says it.
   */
  async deleteSession(key: SessionKey, call: GraphCall): Promise<void> {
    const request = { method: 'DELETE', path: this.paths.session(key), retryable: retryIdempotent, subject: 'upload session' } as const;
    const write = {
      name: 'delete',
      after: 'ambiguous-or-refused',
      send: async () => void (await this.transport.send(request, call)),
      alreadyThere: async (failure) => (failure.status === 404 ? there(undefined) : notThere()),
    } satisfies Write<void>;
    await verifiedWrite(write, call);
  }

  /**
   * POST an access review upload session. Graph allows one session per (review instance, resource), so a
   * POST is never sent blindly again: a 429 or 503 says nothing was created and the transport retries it
   * (retryRefusedOnly); after its own ambiguous failure the session is looked up by `referenceId` (the
   * review instance), and a session found is the success; none found, the failure stands (the caller may
   * send it again: nothing was created). Two Graph calls at most.
   * - A 409 (the pair has a session: the caller's earlier create through any replica, or another caller's)
   *   stays CONFLICT, naming the session found by the same lookup, which the caller adopts (contract).
   * ASSUMPTION: a session found after an ambiguous failure is taken as this call's, even if another caller
   * created it in the same moment: the pair's one session is what both asked for.
   */
  async createSession(resource: ResourceKey, review: ReviewIds, call: GraphCall): Promise<UploadSession> {
    const request = { method: 'POST', path: this.paths.sessions(resource), json: createBody(review), retryable: retryRefusedOnly, subject: 'resource' } as const;
    const lookUp = () => this.findByReference(resource, review.reviewInstanceId, call);
    const write = {
      name: 'create',
      after: 'ambiguous',
      send: async () => read(await this.transport.send(request, call), (json) => toUploadSession(json, resource)),
      alreadyThere: async () => {
        const found = await lookUp();
        return found ? there(found) : notThere();
      },
    } satisfies Write<UploadSession>;
    try {
      return await verifiedWrite(write, call);
    } catch (error) {
      if (!isGraphStatus(error, 409)) throw error;
      const existing = await lookUp().catch(() => undefined);
      throw new GraphRequestError({ ...error.failure, existingUploadSessionId: existing?.id });
    }
  }

  /** POST `…/uploadFile`, streamed, and verified after an ambiguous failure (file-upload.ts). */
  uploadFile(key: SessionKey, file: OutgoingFile, call: GraphCall): Promise<UploadSession> {
    return uploadVerified({ paths: this.paths, transport: this.transport, sessionWithFiles: () => this.getSession(key, call, { expandFiles: true }) }, key, file, call);
  }

  /** The session of a review instance: the resource's sessions filtered by `referenceId`, one page of one. */
  private async findByReference(resource: ResourceKey, referenceId: string, call: GraphCall): Promise<UploadSession | undefined> {
    const list = sessionList(this.paths, resource, { referenceId });
    const page = await readPage(list, 1, { skip: 0 }, (path) => this.get(path, call, 'resource'));
    return page.items[0];
  }

  private get(path: string, call: GraphCall, subject: GraphSubject = 'upload session'): Promise<GraphAnswer> {
    return this.transport.send({ method: 'GET', path, retryable: retryIdempotent, subject }, call);
  }
}

function createBody(review: ReviewIds): string {
  return JSON.stringify({
    '@odata.type': '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession',
    data: {
      '@odata.type': '#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData',
      reviewDefinitionId: review.reviewDefinitionId,
      reviewInstanceId: review.reviewInstanceId,
    },
  });
}
