import { useState } from 'react';
import {
  CompleteUploadSessionDocument,
  CreateUploadSessionDocument,
  DeleteUploadSessionDocument,
  UploadSessionDocument,
  UploadSessionFileDocument,
  type UploadSessionFieldsFragment,
} from '../../../src/client/generated';
import { execute, executeUpload, GatewayError, type GatewayProblem } from './gateway-client';
import { ProblemList } from './problem-list';
import { formatBytes, SEEDED_RESOURCE, type Resource } from './resource';
import { ResourceForm } from './resource-form';
import { ReviewList } from './review-list';
import { ReviewPage } from './review-page';
import { SessionList } from './session-list';
import { SessionPanel } from './session-panel';
import { useAccessReviews, type AccessReviewItem } from './use-access-reviews';

/**
 * The review loop on one page: the reviews waiting for the resource's data, a session for one, its CSV files,
 * its completion; then what reviewers denied, and recording that the access was removed.
 */
export function WorkflowApp() {
  const [resource, setResource] = useState<Resource>(SEEDED_RESOURCE);
  const [session, setSession] = useState<UploadSessionFieldsFragment | null>(null);
  const [reviewId, setReviewId] = useState<string | undefined>();
  const [listVersion, setListVersion] = useState(0);
  const [notice, setNotice] = useState('');
  const [problems, setProblems] = useState<GatewayProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const reviews = useAccessReviews(resource, listVersion, setProblems);
  // The opened review as last read: its status follows every read of the list.
  const review = reviews.reviews?.find((candidate) => candidate.id === reviewId);

  /** Runs one step: its outcome replaces the last one's notice or errors. Resolves whether it succeeded. */
  const step = async (action: () => Promise<string>): Promise<boolean> => {
    setBusy(true);
    setProblems([]);
    setNotice('');
    try {
      setNotice(await action());
      return true;
    } catch (error) {
      setProblems(error instanceof GatewayError ? error.problems : [{ message: String(error) }]);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const ids = (uploadSessionId: string) => ({ ...resource, uploadSessionId });
  const changed = (next: UploadSessionFieldsFragment | null) => {
    setSession(next);
    setListVersion((version) => version + 1);
  };

  const select = (uploadSessionId: string) =>
    step(async () => {
      const { uploadSession } = await execute(UploadSessionDocument, ids(uploadSessionId));
      setSession(uploadSession);
      return uploadSession ? `Session ${uploadSessionId} is ${uploadSession.status}.` : `Session ${uploadSessionId} no longer exists.`;
    });
  const create = ({ reviewDefinitionId, id: reviewInstanceId }: AccessReviewItem) =>
    void step(async () => {
      const { createUploadSession } = await execute(CreateUploadSessionDocument, { input: { ...resource, reviewDefinitionId, reviewInstanceId } });
      changed(createUploadSession);
      return `Created session ${createUploadSession.id} for review instance ${reviewInstanceId}.`;
    });
  const upload = async (file: File) => {
    if (!session) return;
    await step(async () => {
      const { uploadSessionFile } = await executeUpload(UploadSessionFileDocument, { input: { ...ids(session.id), file } });
      changed(uploadSessionFile);
      const { filesUploaded, totalBytesUploaded } = uploadSessionFile.stats;
      return `Uploaded ${file.name} (${formatBytes(file.size)}): the session now has ${filesUploaded} file(s), ${formatBytes(totalBytesUploaded)}.`;
    });
  };
  const complete = () =>
    void step(async () => {
      if (!session) return '';
      const { completeUploadSession } = await execute(CompleteUploadSessionDocument, { input: ids(session.id) });
      changed(completeUploadSession);
      return `Completed: the session is ${completeUploadSession.status}.`;
    });
  const remove = () =>
    void step(async () => {
      if (!session) return '';
      const { deleteUploadSession } = await execute(DeleteUploadSessionDocument, { input: ids(session.id) });
      changed(null);
      return `Deleted session ${deleteUploadSession.deletedUploadSessionId}.`;
    });

  return (
    <>
      <header>
        <h1>Access reviews of a catalog resource</h1>
        <p className="muted">
          Every call goes to the gateway's <code>/graphql</code> on this origin; here it runs on its embedded Graph emulator.
        </p>
        <ResourceForm
          resource={resource}
          onChange={(next) => {
            setResource(next);
            setSession(null);
            setReviewId(undefined);
          }}
        />
      </header>
      <div className="outcome">
        <p role="status">{notice}</p>
        <ProblemList problems={problems} />
      </div>
      <main>
        <div className="column">
          <section aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">Access reviews</h2>
            <ReviewList list={reviews} disabled={busy} selectedId={reviewId} onCreateSession={create} onOpenSession={(id) => void select(id)} onOpenReview={(opened) => setReviewId(opened.id)} />
          </section>
          <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">Sessions</h2>
            <SessionList resource={resource} version={listVersion} selectedId={session?.id} onSelect={(id) => void select(id)} onProblems={setProblems} />
          </section>
        </div>
        <div className="column">
          <section aria-labelledby="selected-heading">
            <h2 id="selected-heading">Selected session</h2>
            {session ? (
              <SessionPanel session={session} disabled={busy} onUpload={upload} onComplete={complete} onDelete={remove} />
            ) : (
              <p className="muted">Pick a session in the list, or create one for a review that needs your data.</p>
            )}
          </section>
          {review ? (
            <section aria-labelledby="review-heading">
              <h2 id="review-heading">Review</h2>
              <ReviewPage resource={resource} review={review} version={listVersion} disabled={busy} step={step} onChanged={() => setListVersion((version) => version + 1)} onProblems={setProblems} />
            </section>
          ) : null}
        </div>
      </main>
    </>
  );
}
