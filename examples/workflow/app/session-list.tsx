import { useEffect, useRef, useState } from 'react';
import { UploadSessionsDocument, type UploadSessionSummaryFragment } from '../../../src/client/generated';
import { execute, GatewayError, type GatewayProblem } from './gateway-client';
import { formatBytes, type Resource } from './resource';

const PAGE_SIZE = 10;

interface Pages {
  sessions: UploadSessionSummaryFragment[];
  totalCount: number | null;
  endCursor: string | null;
  hasNextPage: boolean;
}

const EMPTY: Pages = { sessions: [], totalCount: null, endCursor: null, hasNextPage: false };

interface SessionListProps {
  resource: Resource;
  /** Bumped after a step that changes sessions: the list is read again from its first page. */
  version: number;
  selectedId: string | undefined;
  onSelect(uploadSessionId: string): void;
  onProblems(problems: GatewayProblem[]): void;
}

/** The resource's sessions, newest first, a page at a time (Relay cursor: `endCursor` → `after`). */
export function SessionList({ resource, version, selectedId, onSelect, onProblems }: SessionListProps) {
  const [pages, setPages] = useState<Pages>(EMPTY);
  const [loading, setLoading] = useState(false);
  // Which listing an answer belongs to: one for a resource or version that is no longer shown is dropped.
  const listing = useRef(0);

  const load = async (after: string | null, previous: Pages) => {
    const mine = listing.current;
    const isCurrent = () => listing.current === mine;
    setLoading(true);
    try {
      const { uploadSessions } = await execute(UploadSessionsDocument, { ...resource, first: PAGE_SIZE, after });
      if (!isCurrent()) return;
      setPages({
        sessions: [...previous.sessions, ...uploadSessions.edges.map((edge) => edge.node)],
        totalCount: uploadSessions.totalCount,
        endCursor: uploadSessions.pageInfo.endCursor,
        hasNextPage: uploadSessions.pageInfo.hasNextPage,
      });
    } catch (error) {
      if (isCurrent()) onProblems(error instanceof GatewayError ? error.problems : [{ message: String(error) }]);
    } finally {
      if (isCurrent()) setLoading(false);
    }
  };

  useEffect(() => {
    listing.current++;
    setPages(EMPTY);
    void load(null, EMPTY);
  }, [resource, version]); // `load` is left out on purpose: the list is read again only when what it lists changes

  return (
    <div className="session-list">
      <p className="count">
        {pages.totalCount === null ? (loading ? 'Loading…' : '') : `${pages.sessions.length} of ${pages.totalCount} session(s)`}
      </p>
      <ul aria-label="Sessions">
        {pages.sessions.map((session) => (
          <li key={session.id} aria-current={session.id === selectedId ? 'true' : undefined}>
            <button type="button" className="link" onClick={() => onSelect(session.id)}>
              <code>{session.id}</code>
            </button>
            <span className={`status status-${session.status.toLowerCase()}`}>{session.status}</span>
            <span>
              {session.stats.filesUploaded} file(s), {formatBytes(session.stats.totalBytesUploaded)}
            </span>
            <span className="muted">{session.referenceId ? `review instance ${session.referenceId}` : 'no referenceId'}</span>
          </li>
        ))}
      </ul>
      {pages.hasNextPage ? (
        <button type="button" disabled={loading} onClick={() => void load(pages.endCursor, pages)}>
          Load more
        </button>
      ) : null}
    </div>
  );
}
