import { randomUUID } from 'node:crypto';
import { GraphClock } from '../odata/graph-dates';
import { ResourceRegistry } from './resource-registry';
import type { CsvRow } from './csv-rows';
import { SEED_FILES, SEED_SESSION_KEY } from '../control/seed';

/** A session's ids as the emulator's paths name them (every one a GUID, checked by emulator-paths.ts). */
export interface SessionKey {
  catalogId: string;
  resourceId: string;
  uploadSessionId: string;
}

export type StoredStatus = 'active' | 'complete' | 'expired';

/**
 * Which Graph answer shape a session is served in:
 * - `current` (Apr 2026 beta, v1.0): lowercase status, `@odata.type`, files only with `$expand=files`;
 * - `legacy` (Oct 2025 beta, the seed page): capitalised status, files inline, `expirationDateTime`.
 */
export type AnswerShape = 'current' | 'legacy';

export interface StoredFile {
  id: string;
  name: string;
  size: number;
  uploadedDateTime: string;
  /** The file's bytes when they were kept (see MAX_KEPT_CONTENT_BYTES); the `$value` Graph serves. */
  content?: Buffer;
  /** The file's first rows, which become review decisions once the session is complete (review-store.ts). */
  rows?: readonly CsvRow[];
}

/** What the emulator kept of a file's bytes besides their count. */
export interface ReceivedContent {
  content?: Buffer;
  rows?: readonly CsvRow[];
}

export interface StoredSession {
  key: SessionKey;
  referenceId: string | null;
  isUploadDone: boolean;
  status: StoredStatus;
  files: StoredFile[];
  createdDateTime: string;
  expirationDateTime: string;
  shape: AnswerShape;
  /** Graph's `data`: the review the session was created for; null for sessions seeded without one. */
  data: SessionData | null;
}

/** The `data` payload of a created session, as the client sent it (its `@odata.type` included). */
export interface SessionData {
  '@odata.type': string;
  reviewDefinitionId: string;
  reviewInstanceId: string;
}

export interface SessionSeed {
  catalogId: string;
  resourceId: string;
  uploadSessionId?: string;
  status?: StoredStatus;
  referenceId?: string | null;
  files?: { name: string; size: number; uploadedDateTime?: string }[];
  createdDateTime?: string;
  expirationDateTime?: string;
  shape?: AnswerShape;
  data?: SessionData;
}

/**
 * ASSUMPTION (Graph's docs name no lifetime): a session expires 24 hours after creation, as the
 * seed page's example (created 2024-03-06T01:35, expiring 2024-03-07T01:35) suggests.
 */
export const SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type CompleteOutcome = { kind: 'completed'; session: StoredSession } | { kind: 'not-found' | 'already-complete' | 'expired' };
export type CreateOutcome = { kind: 'created' | 'exists' | 'already-complete'; session: StoredSession };
export type DeleteOutcome = { kind: 'deleted' | 'not-found' | 'already-complete' };
/** Whether a file may be added: only to an active session. */
export type WritableOutcome = { kind: 'writable'; session: StoredSession } | { kind: 'not-found' | 'already-complete' | 'expired' };
export type AddFileOutcome = { kind: 'added'; session: StoredSession; file: StoredFile } | { kind: 'not-found' | 'already-complete' | 'expired' };
export type FileContentOutcome = { kind: 'replaced'; file: StoredFile } | { kind: 'not-found' | 'file-not-found' | 'already-complete' | 'expired' };

/** The emulator's in-memory sessions, keyed by catalog, resource and session id, and the resources they belong to. */
export class SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  readonly resources = new ResourceRegistry();
  private readonly clock: GraphClock;

  constructor(private readonly now: () => number = Date.now) {
    this.clock = new GraphClock(now);
  }

  /** Adds a session as given, registering its catalog and resource; throws when the resource is in another catalog. */
  add(seed: SessionSeed): StoredSession {
    if (!this.resources.add(seed.catalogId, seed.resourceId)) {
      throw new Error(`The resource ${seed.resourceId} belongs to another catalog than ${seed.catalogId}.`);
    }
    const created = seed.createdDateTime ?? this.clock.stamp();
    const session: StoredSession = {
      key: { catalogId: seed.catalogId, resourceId: seed.resourceId, uploadSessionId: seed.uploadSessionId ?? randomUUID() },
      referenceId: seed.referenceId ?? null,
      isUploadDone: seed.status === 'complete',
      status: seed.status ?? 'active',
      files: (seed.files ?? []).map((file) => ({ id: randomUUID(), uploadedDateTime: created, ...file })),
      createdDateTime: created,
      expirationDateTime: seed.expirationDateTime ?? new Date(Date.parse(created) + SESSION_LIFETIME_MS).toISOString(),
      shape: seed.shape ?? 'current',
      data: seed.data ?? null,
    };
    this.sessions.set(storeKey(session.key), session);
    return session;
  }

  addSeed(): StoredSession {
    return this.add({ ...SEED_SESSION_KEY, createdDateTime: this.clock.wholeSecond(), files: SEED_FILES.map((file) => ({ ...file })) });
  }

  get(key: SessionKey): StoredSession | undefined {
    const session = this.sessions.get(storeKey(key));
    if (session && session.status === 'active' && Date.parse(session.expirationDateTime) <= this.now()) {
      session.status = 'expired';
    }
    return session;
  }

  /** The resource's sessions, oldest first (ties in creation order). */
  list(catalogId: string, resourceId: string): StoredSession[] {
    return [...this.sessions.values()]
      .filter((session) => sameId(session.key.catalogId, catalogId) && sameId(session.key.resourceId, resourceId))
      .map((session) => this.get(session.key)!)
      .sort((a, b) => Date.parse(a.createdDateTime) - Date.parse(b.createdDateTime));
  }

  /** Every session created for this review instance, whatever its catalog and resource. */
  withReference(referenceId: string): StoredSession[] {
    return [...this.sessions.values()].map((session) => this.get(session.key)!).filter((session) => sameId(session.referenceId ?? '', referenceId));
  }

  /**
   * Creates a session unless the review instance already has one for the resource (Graph: "only one
   * upload session may exist per reference instance and resource pair; once completed no other can be
   * created for that pair"). ASSUMPTIONS: the pair is the resource id and `referenceId` whatever the
   * catalog in the path; an expired session does not block a new one.
   */
  create(catalogId: string, resourceId: string, data: SessionData): CreateOutcome {
    const existing = [...this.sessions.values()]
      .map((session) => this.get(session.key)!)
      .filter((session) => sameId(session.key.resourceId, resourceId) && sameId(session.referenceId ?? '', data.reviewInstanceId));
    const complete = existing.find((session) => session.status === 'complete');
    if (complete) return { kind: 'already-complete', session: complete };
    const active = existing.find((session) => session.status === 'active');
    if (active) return { kind: 'exists', session: active };
    return { kind: 'created', session: this.add({ catalogId, resourceId, referenceId: data.reviewInstanceId, data }) };
  }

  /** ASSUMPTION (Graph's docs only say an active session can be deleted): a completed one cannot, an expired one can. */
  delete(key: SessionKey): DeleteOutcome {
    const session = this.get(key);
    if (!session) return { kind: 'not-found' };
    if (session.status === 'complete') return { kind: 'already-complete' };
    this.sessions.delete(storeKey(key));
    return { kind: 'deleted' };
  }

  /** ASSUMPTION (the docs are silent): files go only into an active session, not a completed or expired one. */
  writable(key: SessionKey): WritableOutcome {
    const session = this.get(key);
    if (!session) return { kind: 'not-found' };
    if (session.status === 'expired') return { kind: 'expired' };
    if (session.status === 'complete') return { kind: 'already-complete' };
    return { kind: 'writable', session };
  }

  /** Records a file that arrived whole; sizes are JS numbers, exact up to 2^53-1 as Graph's Int64 needs. */
  addFile(key: SessionKey, name: string, size: number, { content, rows }: ReceivedContent = {}): AddFileOutcome {
    const outcome = this.writable(key);
    if (outcome.kind !== 'writable') return outcome;
    const file: StoredFile = { id: randomUUID(), name, size, uploadedDateTime: this.clock.stamp(), ...(content && { content }), ...(rows && { rows }) };
    outcome.session.files.push(file);
    return { kind: 'added', session: outcome.session, file };
  }

  /**
   * Replaces a file's content (`PUT …/$value`), or empties it (`DELETE …/$value`: size 0, the file kept).
   * ASSUMPTION (the metadata has the operations, the docs nothing): only in an active session, as uploads.
   */
  replaceContent(key: SessionKey, fileId: string, size: number, { content, rows }: ReceivedContent = {}): FileContentOutcome {
    const outcome = this.writable(key);
    if (outcome.kind !== 'writable') return outcome;
    const file = outcome.session.files.find((candidate) => sameId(candidate.id, fileId));
    if (!file) return { kind: 'file-not-found' };
    file.size = size;
    file.uploadedDateTime = this.clock.stamp();
    if (content) file.content = content;
    else delete file.content;
    if (rows) file.rows = rows;
    else delete file.rows;
    return { kind: 'replaced', file };
  }

  /**
   * ASSUMPTIONS (Graph's docs leave these open): completing a completed session is refused with
   * 409 `uploadSessionAlreadyCompleted`, and completing an expired one with 409 `uploadSessionExpired`.
   */
  complete(key: SessionKey): CompleteOutcome {
    const session = this.get(key);
    if (!session) return { kind: 'not-found' };
    if (session.status === 'expired') return { kind: 'expired' };
    if (session.isUploadDone) return { kind: 'already-complete' };
    session.isUploadDone = true;
    session.status = 'complete';
    return { kind: 'completed', session };
  }
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function storeKey(key: SessionKey): string {
  return `${key.catalogId}/${key.resourceId}/${key.uploadSessionId}`.toLowerCase();
}
