import { GraphRequestError, isGraphStatus, type GraphSubject } from './transport/graph-failure';
import { AccessReviewClient } from './access-reviews/review-client';
import { AccessReviewDecisionClient } from './access-reviews/decision-client';
import { AccessReviewPaths } from './access-reviews/review-paths';
import { CatalogRoleClient } from './catalog-roles/catalog-role-client';
import { hasNewFile, isAmbiguous, isRefusal, read, unreadable, unreadableAnswer } from './transport/graph-answer';
import { GraphPaths } from './graph-paths';
import { GraphTransport, type GraphAnswer, type GraphCall, type GraphTransportOptions } from './transport/graph-transport';
import { MultipartFileBody, type OutgoingFile } from './transport/multipart-body';
import { retryDelayMs, retryIdempotent, retryRefusedOnly, sleep } from './transport/retry-policy';
import type { ResourceKey, ReviewIds, SessionKey } from './odata/ids';
import { cursorBinding, makeCursor, readCursor, type PagePosition } from './odata/cursor';
import { toFiles, toUploadSession, type UploadedFile, type UploadSession } from './upload-sessions/upload-session';
import { collection, MAX_PAGE_SIZE, pageQuery, toODataFilter, type PageSize, type SessionPageRequest, type UploadSessionPage } from './odata/paging';

export { MAX_PAGE_SIZE, type SessionPageRequest, type UploadSessionPage } from './odata/paging';

export type { GraphAttemptRecord, GraphCall } from './transport/graph-transport';
export type { SessionFilter } from './odata/cursor';

export interface GraphClientOptions extends GraphTransportOptions {
  /** Graph's root, ending in its version segment: `/beta` or `/v1.0` picks the path shape. */
  baseUrl: URL;
}

/** ASSUMPTION: a session has at most this many pages of files; beyond it the answer is treated as unreadable. */
const MAX_FILE_PAGES = 20;
const COMPLETE_BODY = JSON.stringify({ isUploadDone: true });

/**
 * Calls Graph's upload-session endpoints with keys and names parsed at the GraphQL edge; returns mapped
 * sessions or throws GraphRequestError (InvalidInputError for a cursor it did not make).
 */
export class GraphClient {
  private readonly paths: GraphPaths;
  private readonly transport: GraphTransport;
  /** The catalog's access reviews, on the same transport (its retries, breaker and bulkhead). */
  readonly reviews: AccessReviewClient;
  readonly decisions: AccessReviewDecisionClient;
  /** Who holds which role on a catalog (the gateway's catalog authorization), on the same transport. */
  readonly catalogRoles: CatalogRoleClient;

  constructor(options: GraphClientOptions) {
    this.paths = new GraphPaths(options.baseUrl);
    this.transport = new GraphTransport(this.paths.origin, options);
    const reviewPaths = new AccessReviewPaths(this.paths);
    // ASSUMPTION: the sessions of a page of instances are among the resource's newest MAX_PAGE_SIZE sessions
    // (one session per instance, both listed newest first): one read serves the page.
    const newestSessions = (resource: ResourceKey, call: GraphCall) => this.listSessions(resource, { first: MAX_PAGE_SIZE as PageSize }, call).then((page) => page.sessions);
    this.reviews = new AccessReviewClient(reviewPaths, this.transport, newestSessions);
    this.decisions = new AccessReviewDecisionClient(reviewPaths, this.transport, this.reviews);
    this.catalogRoles = new CatalogRoleClient(this.paths, this.transport);
  }

  /** GET: retried on 429/503/504, lost connections and timeouts (retryIdempotent). */
  async getSession(key: SessionKey, call: GraphCall, { expandFiles = false } = {}): Promise<UploadSession> {
    const query = expandFiles ? '?$expand=files' : '';
    const answer = await this.get(this.paths.session(key) + query, call, 'upload session');
    return read(answer, (json) => toUploadSession(json, key));
  }

  /** The session's files through `$expand=files` (the shape older answers carry inline). */
  async getFiles(key: SessionKey, call: GraphCall): Promise<UploadedFile[]> {
    const session = await this.getSession(key, call, { expandFiles: true });
    return session.files ?? [];
  }

  /** GET `…/files`, following Graph's nextLinks (on its own origin and path only), at most MAX_FILE_PAGES. */
  async listFiles(key: SessionKey, call: GraphCall): Promise<UploadedFile[]> {
    const filesPath = this.paths.files(key);
    const files: UploadedFile[] = [];
    let path: string | undefined = filesPath;
    for (let page = 0; path !== undefined; page++) {
      if (page === MAX_FILE_PAGES) throw unreadableAnswer(`more than ${MAX_FILE_PAGES} pages of files`);
      const answer = await this.get(path, call, 'upload session');
      const { value, nextLink } = read(answer, collection);
      files.push(...read(answer, () => toFiles(value)));
      path = nextLink === undefined ? undefined : this.paths.nextLinkPath(nextLink, filesPath);
      if (nextLink !== undefined && path === undefined) throw unreadable(answer, 'the files nextLink leaves the session');
    }
    return files;
  }

  /**
   * PATCH `{"isUploadDone": true}`: the only update Graph allows on a session, so sending it again
   * cannot change anything but the flag it sets. That makes completion idempotent from the caller's
   * side: when Graph refuses it (our earlier attempt landed but its answer was lost, or the caller sent
   * it twice), the session is read, and a session that is done is the success the caller wanted.
   * Retried like a GET.
   */
  async completeSession(key: SessionKey, call: GraphCall): Promise<UploadSession> {
    try {
      const answer = await this.transport.send({ method: 'PATCH', path: this.paths.session(key), json: COMPLETE_BODY, retryable: retryIdempotent, subject: 'upload session' }, call);
      return read(answer, (json) => toUploadSession(json, key));
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const session = await this.getSession(key, call, { expandFiles: true }).catch(() => undefined);
      if (session?.isUploadDone) {
        call.log.info({ graph: { refusedWith: error.failure.status, code: error.failure.graphCode } }, 'session was already complete');
        return session;
      }
      throw error;
    }
  }

  /**
   * DELETE, retried like a GET. A 404 is the success the caller wanted: the session is gone, whether an
   * earlier attempt whose answer was lost removed it or someone else did.
   */
  async deleteSession(key: SessionKey, call: GraphCall): Promise<void> {
    try {
      await this.transport.send({ method: 'DELETE', path: this.paths.session(key), retryable: retryIdempotent, subject: 'upload session' }, call);
    } catch (error) {
      if (isGraphStatus(error, 404)) return;
      throw error;
    }
  }

  /**
   * POST an access review upload session. Graph allows one session per (review instance, resource), so
   * a POST sent twice could at best be refused; it is never sent blindly again:
   * - a 429 or 503 answer says nothing was created: the transport retries it (retryRefusedOnly);
   * - an ambiguous failure (lost connection, timeout, another 5xx, an unreadable answer) is resolved by
   *   listing the resource's sessions with `referenceId eq '<reviewInstanceId>'`: a session found is the
   *   success; none found means nothing was created, and the POST is sent once more (within the deadline):
   *   four Graph calls at most, as the mutation declares to the Graph-call limit;
   * - a 409 is looked up the same way, and fails as CONFLICT naming the session that holds the pair.
   * ASSUMPTION: a session found after an ambiguous failure is taken as this call's, even if another
   * caller created it in the same moment: the pair's one session is what both asked for.
   */
  async createSession(resource: ResourceKey, review: ReviewIds, call: GraphCall): Promise<UploadSession> {
    const json = JSON.stringify({
      '@odata.type': '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession',
      data: {
        '@odata.type': '#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData',
        reviewDefinitionId: review.reviewDefinitionId,
        reviewInstanceId: review.reviewInstanceId,
      },
    });
    for (let post = 0; ; post++) {
      try {
        const answer = await this.transport.send({ method: 'POST', path: this.paths.sessions(resource), json, retryable: retryRefusedOnly, subject: 'resource' }, call);
        return read(answer, (body) => toUploadSession(body, resource));
      } catch (error) {
        if (!(error instanceof GraphRequestError)) throw error;
        const { failure } = error;
        if (failure.kind === 'http' && failure.status === 409) {
          const existing = await this.findByReference(resource, review.reviewInstanceId, call).catch(() => undefined);
          throw new GraphRequestError({ ...failure, existingUploadSessionId: existing?.id });
        }
        if (!isAmbiguous(failure)) throw error;
        // The lookup's own failure leaves the outcome unknown: the caller hears the POST's failure.
        const lookup = await this.findByReference(resource, review.reviewInstanceId, call).then(
          (session) => ({ session }),
          () => undefined,
        );
        if (lookup === undefined) throw error;
        if (lookup.session) {
          call.log.info({ graph: { failure: failure.message, status: failure.status, found: lookup.session.id } }, 'created session found after an ambiguous failure');
          return lookup.session;
        }
        const delay = post === 0 ? retryDelayMs(this.transport.retryPolicy, failure, post, call.deadline - Date.now(), isAmbiguous) : undefined;
        if (delay === undefined) throw error;
        call.log.warn({ graph: { failure: failure.message, status: failure.status }, retryInMs: Math.round(delay) }, 'no session was created; posting again');
        await sleep(delay, call.signal);
      }
    }
  }

  /**
   * One GET of the resource's sessions, newest first, with `$count=true`. A page starts where the
   * `after` cursor says: Graph's own nextLink when Graph gave one, else a `$skip` position.
   */
  async listSessions(resource: ResourceKey, request: SessionPageRequest, call: GraphCall): Promise<UploadSessionPage> {
    const { first, after, filter = {} } = request;
    const odataFilter = toODataFilter(filter);
    const binding = cursorBinding(resource, filter);
    const collectionPath = this.paths.sessions(resource);
    const checkLink = (link: string) => this.paths.pagingLinkPath(link, collectionPath, odataFilter);
    const position: PagePosition = after === undefined ? { skip: 0 } : readCursor(after, binding, checkLink);

    const answer = await this.get(position.nextPath ?? collectionPath + pageQuery(first, odataFilter, position.skip), call, 'resource');
    const { value, nextLink, count } = read(answer, collection);
    const all = read(answer, () => value.map((json) => toUploadSession(json, resource)));
    // ASSUMPTION: Graph honours $top; if it sends more (or a nextLink page is larger), the rest is left for the next page by position.
    const sessions = all.slice(0, first);
    const end = position.skip + sessions.length;
    const graphNext = sessions.length === all.length && nextLink !== undefined && checkLink(nextLink) !== undefined ? nextLink : undefined;
    const hasNextPage = sessions.length < all.length || graphNext !== undefined || (count !== undefined && end < count);
    const edges = sessions.map((node, index) => ({
      node,
      cursor: makeCursor({ skip: position.skip + index + 1, nextLink: index === sessions.length - 1 ? graphNext : undefined }, binding),
    }));
    return { sessions, edges, totalCount: count, endCursor: edges.at(-1)?.cursor, hasNextPage };
  }

  /**
   * POST `…/uploadFile` with the file streamed as one multipart part (multipart-body.ts): undici pulls
   * the body, so the source is read only as fast as Graph takes it, and no whole file is ever held.
   * - Sent again only while none of the file has been read from its source (a connection refused, or
   *   a 429/503/504 answered before the first file byte was pulled): the source can be read only once,
   *   and Graph may keep a file it received (retryIdempotent on an untouched source).
   * - Once the file flowed, an ambiguous failure (lost connection, timeout, 5xx, unreadable answer) is
   *   resolved by reading the session's files: a file that was not there before the upload (ids snapshot
   *   with one GET first), with this name and the size sent, is the success; otherwise the failure stands.
   * - A source that throws (the CSV check, the size limit) aborts the request before the part's closing
   *   boundary, so nothing lands, and its error is thrown as it is.
   */
  async uploadFile(key: SessionKey, file: OutgoingFile, call: GraphCall): Promise<UploadSession> {
    const body = new MultipartFileBody(file.fileName, file.body);
    try {
      const before = await this.listFiles(key, call);
      const request = { method: 'POST', path: this.paths.uploadFile(key), stream: body, subject: 'upload session' } as const;
      try {
        const answer = await this.transport.send({ ...request, retryable: (failure) => !body.sourceTouched && retryIdempotent(failure) }, call);
        return read(answer, (json) => toUploadSession(json, key));
      } catch (error) {
        // Graph may answer (a 413, say) before the source's own refusal: the refusal is the caller's answer.
        if (body.sourceError !== undefined) throw body.sourceError;
        if (!(error instanceof GraphRequestError) || !body.sourceTouched || !isAmbiguous(error.failure)) throw error;
        const landed = await this.sessionWithNewFile(key, before, body, call).catch(() => undefined);
        if (!landed) throw error;
        call.log.info({ graph: { failure: error.failure.message, status: error.failure.status } }, 'uploaded file found after an ambiguous failure');
        return landed;
      }
    } finally {
      body.close();
    }
  }

  private async sessionWithNewFile(key: SessionKey, before: UploadedFile[], body: MultipartFileBody, call: GraphCall): Promise<UploadSession | undefined> {
    const session = await this.getSession(key, call, { expandFiles: true });
    const after = session.files ?? (await this.listFiles(key, call));
    return hasNewFile(before, after, body.fileName, body.bytesSent) ? { ...session, files: after } : undefined;
  }

  private async findByReference(resource: ResourceKey, referenceId: string, call: GraphCall): Promise<UploadSession | undefined> {
    const answer = await this.get(this.paths.sessions(resource) + pageQuery(1, toODataFilter({ referenceId }), 0), call, 'resource');
    const { value } = read(answer, collection);
    return read(answer, () => value.map((json) => toUploadSession(json, resource)))[0];
  }

  private get(path: string, call: GraphCall, subject: GraphSubject): Promise<GraphAnswer> {
    return this.transport.send({ method: 'GET', path, retryable: retryIdempotent, subject }, call);
  }
}
