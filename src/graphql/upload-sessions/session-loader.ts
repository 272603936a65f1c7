import type { GraphCall, GraphClient } from '../../graph/graph-client';
import { isGraphStatus } from '../../graph/transport/graph-failure';
import type { SessionKey } from '../../graph/odata/ids';
import type { UploadedFile, UploadSession } from '../../graph/upload-sessions/upload-session';

/**
 * One request's reads of sessions and their files, keyed by session: representations, queries and `files`
 * fields naming the same session share one Graph read each (the Graph-call limit counts distinct reads).
 * It lives as long as the request: nothing is cached across callers.
 */
export class SessionLoader {
  private readonly sessions = new Map<string, Promise<UploadSession | null>>();
  private readonly files = new Map<string, Promise<UploadedFile[]>>();

  constructor(
    private readonly graph: GraphClient,
    private readonly call: GraphCall,
  ) {}

  /** The session, or null when Graph answers 404. */
  session(key: SessionKey): Promise<UploadSession | null> {
    return once(this.sessions, key, () => this.graph.sessions.getSession(key, this.call).catch(nullWhenNotFound));
  }

  /** The session's whole file list. */
  filesOf(key: SessionKey): Promise<UploadedFile[]> {
    return once(this.files, key, () => this.graph.sessions.getFiles(key, this.call));
  }
}

function once<T>(reads: Map<string, Promise<T>>, key: SessionKey, read: () => Promise<T>): Promise<T> {
  // Guids are lower case (graph/odata/ids.ts): the same session keys the same, however a caller spelled it.
  const id = `${key.catalogId}/${key.resourceId}/${key.uploadSessionId}`;
  let pending = reads.get(id);
  if (!pending) {
    pending = read();
    reads.set(id, pending);
  }
  return pending;
}

function nullWhenNotFound(error: unknown): null {
  if (isGraphStatus(error, 404)) return null;
  throw error;
}
