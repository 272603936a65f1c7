import { EVENT_TYPES, type ReviewEventType } from './review-event';

/** One review instance as one poll saw it. */
export interface ObservedInstance {
  id: string;
  /** The gateway's status name (AccessReviewStatus), e.g. INITIALIZING. */
  status: string;
  /** Epoch milliseconds; null when the instance has none (it is not INITIALIZING). */
  uploadDeadline: number | null;
  /** The resource's session for the instance is complete. */
  uploadDone: boolean;
}

/** What is remembered of one instance between polls: its status, and which events it has had. */
export interface InstanceState {
  status: string;
  reported: ReviewEventType[];
}

/**
 * The last state seen of one watched resource: plain JSON (it is kept in Redis). Ids, statuses and event
 * types only: never a token, a secret or a caller.
 */
export interface ResourceState {
  instances: Record<string, InstanceState>;
  /** Epoch ms of the poll that saw it (the age metric on every replica reads it). */
  polledAt?: number;
}

export interface Transition {
  instanceId: string;
  type: ReviewEventType;
}

/**
 * Where a status stands in the lifecycle of graph-api-reviews.md §0: before the review (no event), the upload
 * window, the review, applying, applied. ASSUMPTION: NOT_STARTED and STARTING come before INITIALIZING (Graph
 * documents no order for them), and a status Graph adds later is placed nowhere: neither yields a phase event.
 */
const PHASE: Readonly<Record<string, number>> = {
  INITIALIZING: 0,
  IN_PROGRESS: 1,
  COMPLETING: 1,
  COMPLETED: 1,
  AUTO_REVIEWING: 1,
  AUTO_REVIEWED: 1,
  APPLYING: 2,
  APPLIED: 3,
};

/** The events the first poll of a resource reports: those whose present state calls for action. */
const FIRST_POLL: ReadonlySet<ReviewEventType> = new Set(['NEEDS_UPLOAD', 'UPLOAD_DEADLINE_NEAR', 'APPLYING']);

/**
 * The event types whose condition holds for the instance now, or held and was passed, in lifecycle order.
 * NEEDS_UPLOAD and UPLOAD_DEADLINE_NEAR ask for an action, so they count only while they hold: a review
 * whose window a poll finds already closed is told as UPLOAD_WINDOW_MISSED, not as a late call to upload.
 */
export function conditions(instance: ObservedInstance, now: number, deadlineWarningMs: number): ReviewEventType[] {
  const phase = PHASE[instance.status];
  const { uploadDeadline: deadline, uploadDone } = instance;
  const windowOpen = deadline === null || deadline > now;
  const needsUpload = phase === 0 && !uploadDone && windowOpen;
  const holds: Record<ReviewEventType, boolean> = {
    NEEDS_UPLOAD: needsUpload,
    UPLOAD_DEADLINE_NEAR: needsUpload && deadline !== null && deadline - now <= deadlineWarningMs,
    UPLOAD_WINDOW_MISSED: !uploadDone && phase !== undefined && (phase >= 1 || (phase === 0 && !windowOpen)),
    UPLOAD_COMPLETED: uploadDone,
    APPLYING: phase !== undefined && phase >= 2,
    APPLIED: phase === 3,
  };
  return EVENT_TYPES.filter((type) => holds[type]);
}

/**
 * What one poll reports, given what was seen before (`undefined`: the resource was never polled). Each
 * (instance, type) is reported at most once: every condition that holds or was passed and was not reported
 * yet, in lifecycle order, so a jump of several phases between two polls yields each event it passed. On a
 * first poll only what calls for action now is reported (NEEDS_UPLOAD, UPLOAD_DEADLINE_NEAR, APPLYING while
 * APPLYING); the rest is remembered as seen, so it is never reported late. Instances no longer listed are
 * forgotten (the listing is newest first: one that left it does not come back).
 */
export function transitions(previous: ResourceState | undefined, observed: readonly ObservedInstance[], now: number, deadlineWarningMs: number): { due: Transition[]; next: ResourceState } {
  const due: Transition[] = [];
  const next: ResourceState = { instances: {} };
  for (const instance of observed) {
    const key = instance.id.toLowerCase();
    const reported = new Set(previous?.instances[key]?.reported ?? []);
    for (const type of conditions(instance, now, deadlineWarningMs)) {
      if (reported.has(type)) continue;
      reported.add(type);
      const firstPollReports = FIRST_POLL.has(type) && (type !== 'APPLYING' || instance.status === 'APPLYING');
      if (previous !== undefined || firstPollReports) due.push({ instanceId: instance.id, type });
    }
    next.instances[key] = { status: instance.status, reported: EVENT_TYPES.filter((type) => reported.has(type)) };
  }
  return { due, next };
}
