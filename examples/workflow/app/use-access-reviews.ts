import { useEffect, useRef, useState } from 'react';
import { AccessReviewsDocument, type AccessReviewsQuery } from '../../../src/client/generated';
import { execute, GatewayError, type GatewayProblem } from './gateway-client';
import type { Resource } from './resource';

/** One review instance as the list shows it. */
export type AccessReviewItem = AccessReviewsQuery['accessReviews']['edges'][number]['node'];

/** One page is every review a catalog owner has on their plate at once. */
const PAGE_SIZE = 20;

export interface AccessReviews {
  /** Newest first; null until the first answer. */
  reviews: AccessReviewItem[] | null;
  /** More reviews than one page: only the newest are shown. */
  more: boolean;
  loading: boolean;
}

/**
 * The catalog's reviews of the resource, read again whenever `version` changes (a step changed sessions or
 * decisions) or `refresh` is called (the reviewers and the service move reviews on without the page).
 */
export function useAccessReviews(resource: Resource, version: number, onProblems: (problems: GatewayProblem[]) => void): AccessReviews & { refresh(): void } {
  const [state, setState] = useState<AccessReviews>({ reviews: null, more: false, loading: false });
  const [reads, setReads] = useState(0);
  // Which read an answer belongs to: one for a resource that is no longer shown is dropped.
  const current = useRef(0);

  useEffect(() => {
    const mine = ++current.current;
    setState((previous) => ({ ...previous, loading: true }));
    execute(AccessReviewsDocument, { ...resource, first: PAGE_SIZE }).then(
      ({ accessReviews }) => {
        if (mine !== current.current) return;
        setState({ reviews: accessReviews.edges.map((edge) => edge.node), more: accessReviews.pageInfo.hasNextPage, loading: false });
      },
      (error: unknown) => {
        if (mine !== current.current) return;
        setState((previous) => ({ ...previous, loading: false }));
        onProblems(error instanceof GatewayError ? error.problems : [{ message: String(error) }]);
      },
    );
  }, [resource, version, reads]); // `onProblems` is left out on purpose: a new callback is not a reason to read again

  return { ...state, refresh: () => setReads((count) => count + 1) };
}

/** The current time, ticking every `everyMs`: the time left on a window counts down without a read. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** "1 h 40 left", "5 min left", or "window closed": whole minutes, rounded up, as a countdown shows them. */
export function timeLeft(deadline: string, now: number): string {
  const minutes = Math.ceil((Date.parse(deadline) - now) / 60_000);
  if (!(minutes > 0)) return 'window closed';
  const hours = Math.floor(minutes / 60);
  return hours === 0 ? `${minutes} min left` : `${hours} h ${String(minutes % 60).padStart(2, '0')} left`;
}
