import { useEffect, useState } from 'react';

/** The upload window Microsoft documents: two hours from the instance's start. */
const UPLOAD_WINDOW_MS = 2 * 60 * 60 * 1000;
/** Below this the countdown turns urgent (the gateway's UPLOAD_DEADLINE_NEAR comes at the same time by default). */
const URGENT_MS = 30 * 60 * 1000;

/** What the page needs of a review to place it in its upload window. */
export interface WindowFacts {
  id: string;
  status: string;
  startDateTime: string | null;
  uploadDeadline: string | null;
  needsUpload: boolean;
  uploadSession: { status: string } | null;
}

/** Where a review stands in its upload window: open (urgent near its end), missed, or not waiting for data. */
export type UploadWindow = { kind: 'open'; deadline: number | null; urgent: boolean } | { kind: 'missed'; deadline: number | null } | { kind: 'none' };

/**
 * Read on the page's clock, so a window closes on screen when its time is up, before the next read. `missed`
 * holds the reviews known to have moved on without their data (an UPLOAD_WINDOW_MISSED event, or a review the page
 * saw waiting that is no longer INITIALIZING): Graph then sends no deadline, so it is the start plus two hours.
 */
export function uploadWindow(review: WindowFacts, now: number, missed: ReadonlySet<string>): UploadWindow {
  if (review.uploadSession?.status === 'COMPLETE') return { kind: 'none' };
  const deadline = review.uploadDeadline ? Date.parse(review.uploadDeadline) : null;
  const closed = deadline !== null && deadline <= now && review.status === 'INITIALIZING';
  if (closed || missed.has(review.id)) return { kind: 'missed', deadline: deadline ?? windowEnd(review) };
  if (!review.needsUpload) return { kind: 'none' };
  return { kind: 'open', deadline, urgent: deadline !== null && deadline - now < URGENT_MS };
}

function windowEnd({ startDateTime }: WindowFacts): number | null {
  return startDateTime ? Date.parse(startDateTime) + UPLOAD_WINDOW_MS : null;
}

/**
 * The current time, rendering again every `everyMs`: the time left on a window counts down without a read. Read
 * at each render, so a review that arrives between two ticks is not counted from a stale clock.
 */
export function useNow(everyMs: number): number {
  const [, setTicks] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTicks((ticks) => ticks + 1), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return Date.now();
}

/** "1 h 40 left", "5 min left", or "window closed": whole minutes, rounded up, as a countdown shows them. */
export function timeLeft(deadline: number, now: number): string {
  const minutes = Math.ceil((deadline - now) / 60_000);
  if (!(minutes > 0)) return 'window closed';
  const hours = Math.floor(minutes / 60);
  return hours === 0 ? `${minutes} min left` : `${hours} h ${String(minutes % 60).padStart(2, '0')} left`;
}

// The browser's locale and time zone: the owner reads the deadline on their own clock, with the zone named.
const DEADLINE = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
const DATE = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** e.g. "Tue, Mar 3, 14:05 GMT+5:30". */
export function formatDeadline(epochMs: number): string {
  return DEADLINE.format(epochMs);
}

/** e.g. "Mar 3, 2026, 14:05"; "—" when Graph sent none. */
export function formatDate(iso: string | null | undefined): string {
  return iso ? DATE.format(Date.parse(iso)) : '—';
}
