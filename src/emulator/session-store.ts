import { randomUUID } from 'node:crypto';
import type { SessionKey } from '../graph/session-key';
import { SEED_FILES, SEED_SESSION_KEY } from './seed';

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
}

/**
 * ASSUMPTION (Graph's docs name no lifetime): a session expires 24 hours after creation, as the
 * seed page's example (created 2024-03-06T01:35, expiring 2024-03-07T01:35) suggests.
 */
export const SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type CompleteOutcome = { kind: 'completed'; session: StoredSession } | { kind: 'not-found' | 'already-complete' | 'expired' };

/** The emulator's in-memory sessions, keyed by catalog, resource and session id. */
export class SessionStore {
  private readonly sessions = new Map<string, StoredSession>();

  constructor(private readonly now: () => number = Date.now) {}

  add(seed: SessionSeed): StoredSession {
    const created = seed.createdDateTime ?? new Date(this.now()).toISOString();
    const session: StoredSession = {
      key: { catalogId: seed.catalogId, resourceId: seed.resourceId, uploadSessionId: seed.uploadSessionId ?? randomUUID() },
      referenceId: seed.referenceId ?? null,
      isUploadDone: seed.status === 'complete',
      status: seed.status ?? 'active',
      files: (seed.files ?? []).map((file) => ({ id: randomUUID(), uploadedDateTime: created, ...file })),
      createdDateTime: created,
      expirationDateTime: seed.expirationDateTime ?? new Date(Date.parse(created) + SESSION_LIFETIME_MS).toISOString(),
      shape: seed.shape ?? 'current',
    };
    this.sessions.set(storeKey(session.key), session);
    return session;
  }

  addSeed(): StoredSession {
    return this.add({ ...SEED_SESSION_KEY, files: SEED_FILES.map((file) => ({ ...file })) });
  }

  get(key: SessionKey): StoredSession | undefined {
    const session = this.sessions.get(storeKey(key));
    if (session && session.status === 'active' && Date.parse(session.expirationDateTime) <= this.now()) {
      session.status = 'expired';
    }
    return session;
  }

  list(catalogId: string, resourceId: string): StoredSession[] {
    return [...this.sessions.values()]
      .filter((session) => session.key.catalogId === catalogId && session.key.resourceId === resourceId)
      .map((session) => this.get(session.key)!);
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

function storeKey(key: SessionKey): string {
  return `${key.catalogId}/${key.resourceId}/${key.uploadSessionId}`.toLowerCase();
}
