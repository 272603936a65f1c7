import { useCallback, useEffect, useRef, useState } from 'react';
import { AccessReviewsDocument, type AccessReviewsQuery } from '../../../src/client/generated';
import { execute, GatewayError, type GatewayProblem } from './gateway-client';
import type { Resource } from './resource';
import type { ReviewEvent } from './use-review-events';

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

export interface AccessReviewList extends AccessReviews {
  /** Reviews known to have moved on without the resource's data: their window was missed. */
  missed: ReadonlySet<string>;
  refresh(): void;
  /** A live event: its review replaces the listed one (or joins the list), and a missed window is remembered. */
  applyEvent(event: ReviewEvent): void;
}

/**
 * The catalog's reviews of the resource, read again whenever `version` changes (a step changed sessions or
 * decisions) or `refresh` is called, and kept current by the live events between reads.
 */
export function useAccessReviews(resource: Resource, version: number, onProblems: (problems: GatewayProblem[]) => void): AccessReviewList {
  const [state, setState] = useState<AccessReviews>({ reviews: null, more: false, loading: false });
  const [reads, setReads] = useState(0);
  const { ids: missed, add: addMissed } = useMissedWindows(resource, state.reviews);
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

  const applyEvent = useCallback(
    (event: ReviewEvent) => {
      if (event.type === 'UPLOAD_WINDOW_MISSED') addMissed(event.review.id);
      setState((previous) => (previous.reviews === null ? previous : { ...previous, reviews: upsert(previous.reviews, event.review) }));
    },
    [addMissed],
  );
  return { ...state, missed, refresh: () => setReads((count) => count + 1), applyEvent };
}

/** The review as the event carries it, in its place: newest first by start. */
function upsert(reviews: AccessReviewItem[], review: AccessReviewItem): AccessReviewItem[] {
  const others = reviews.filter((listed) => listed.id !== review.id);
  const start = (item: AccessReviewItem) => (item.startDateTime ? Date.parse(item.startDateTime) : 0);
  return [...others, review].sort((a, b) => start(b) - start(a));
}

/**
 * Which reviews missed their window. Graph moves a review on after its two hours whether data came or not, and
 * then sends no deadline: a review the page saw waiting that moved on without a completed session missed it.
 */
function useMissedWindows(resource: Resource, reviews: AccessReviewItem[] | null) {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const seenWaiting = useRef(new Set<string>());
  const add = useCallback((...added: string[]) => setIds((previous) => (added.every((id) => previous.has(id)) ? previous : new Set([...previous, ...added]))), []);

  useEffect(() => {
    seenWaiting.current = new Set();
    setIds(new Set());
  }, [resource]);
  useEffect(() => {
    const movedOn = (reviews ?? []).filter((review) => {
      if (review.needsUpload) seenWaiting.current.add(review.id);
      return seenWaiting.current.has(review.id) && review.status !== 'INITIALIZING' && review.uploadSession?.status !== 'COMPLETE';
    });
    if (movedOn.length > 0) add(...movedOn.map((review) => review.id));
  }, [reviews, add]);
  return { ids, add };
}
