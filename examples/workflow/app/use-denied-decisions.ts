import { useEffect, useRef, useState } from 'react';
import { AccessReviewDecisionsDocument, type AccessReviewDecisionFieldsFragment, type AccessReviewDecisionsInput } from '../../../src/client/generated';
import { execute, GatewayError, type GatewayProblem } from './gateway-client';

const PAGE_SIZE = 50;

/** The four ids every decision read or write names. */
export type ReviewIds = Pick<AccessReviewDecisionsInput, 'catalogId' | 'resourceId' | 'reviewDefinitionId' | 'reviewInstanceId'>;

export interface DeniedDecisions {
  decisions: AccessReviewDecisionFieldsFragment[];
  totalCount: number | null;
  endCursor: string | null;
  hasNextPage: boolean;
}

const EMPTY: DeniedDecisions = { decisions: [], totalCount: null, endCursor: null, hasNextPage: false };

/**
 * What reviewers denied on the resource in one review, a page at a time; read again from the first page when
 * the review or `version` changes.
 */
export function useDeniedDecisions(ids: ReviewIds, version: number | string, onProblems: (problems: GatewayProblem[]) => void) {
  const [pages, setPages] = useState<DeniedDecisions>(EMPTY);
  const [loading, setLoading] = useState(false);
  const listing = useRef(0);

  const load = async (after: string | null, previous: DeniedDecisions) => {
    const mine = listing.current;
    setLoading(true);
    try {
      const { accessReviewDecisions: page } = await execute(AccessReviewDecisionsDocument, { input: { ...ids, decision: 'DENY' }, first: PAGE_SIZE, after });
      if (mine !== listing.current) return;
      setPages({
        decisions: [...previous.decisions, ...page.edges.map((edge) => edge.node)],
        totalCount: page.totalCount,
        endCursor: page.pageInfo.endCursor,
        hasNextPage: page.pageInfo.hasNextPage,
      });
    } catch (error) {
      if (mine === listing.current) onProblems(error instanceof GatewayError ? error.problems : [{ message: String(error) }]);
    } finally {
      if (mine === listing.current) setLoading(false);
    }
  };

  const { catalogId, resourceId, reviewDefinitionId, reviewInstanceId } = ids;
  useEffect(() => {
    listing.current++;
    setPages(EMPTY);
    void load(null, EMPTY);
  }, [catalogId, resourceId, reviewDefinitionId, reviewInstanceId, version]); // read again only when what is listed changes

  return {
    ...pages,
    loading,
    loadMore: () => void load(pages.endCursor, pages),
  };
}
