import {
  CompleteUploadSessionDocument,
  CreateUploadSessionDocument,
  DeleteUploadSessionDocument,
  UploadSessionDocument,
  UploadSessionFileDocument,
  type UploadSessionFieldsFragment,
} from '../../../src/client/generated';
import type { Confirmation } from './confirm-dialog';
import { execute, executeUpload } from './gateway-client';
import { formatBytes, type Resource } from './resource';
import { formatDeadline } from './time';
import type { AccessReviewItem } from './use-access-reviews';
import type { Step } from './use-step';

interface SessionStepsOptions {
  resource: Resource;
  session: UploadSessionFieldsFragment | null;
  step: Step;
  confirm(confirmation: Confirmation): void;
  /** The session as it now is (null: gone), after a step that may have changed the lists too. */
  changed(session: UploadSessionFieldsFragment | null): void;
  /** A session read, not changed: the lists stay. */
  selected(session: UploadSessionFieldsFragment | null): void;
}

const AFTER_COMPLETE = 'reviewers decide now, in My Access. When they are done the review turns APPLYING: Access reviews shows it (live), and Open review lists whom they denied.';

/** The steps on a session, each saying what it did and what comes next; the final ones ask first. */
export function useSessionSteps({ resource, session, step, confirm, changed, selected }: SessionStepsOptions) {
  const ids = (uploadSessionId: string) => ({ ...resource, uploadSessionId });

  const select = (uploadSessionId: string) =>
    void step(async () => {
      const { uploadSession } = await execute(UploadSessionDocument, ids(uploadSessionId));
      selected(uploadSession);
      if (!uploadSession) return { done: `Session ${uploadSessionId} no longer exists.`, next: 'create a new session from its review while the review waits for data.' };
      return { done: `Session ${uploadSessionId} is ${uploadSession.status}.`, next: nextFor(uploadSession) };
    });
  const create = ({ reviewDefinitionId, id: reviewInstanceId, uploadDeadline }: AccessReviewItem) =>
    void step(async () => {
      const { createUploadSession } = await execute(CreateUploadSessionDocument, { input: { ...resource, reviewDefinitionId, reviewInstanceId } });
      changed(createUploadSession);
      const by = uploadDeadline ? ` before ${formatDeadline(Date.parse(uploadDeadline))}` : '';
      return { done: `Created session ${createUploadSession.id} for review instance ${reviewInstanceId}.`, next: `choose the resource's CSV file and Upload it${by}; then Complete.` };
    });
  const upload = (file: File) =>
    step(async () => {
      if (!session) throw new Error('No session is selected.');
      const { uploadSessionFile } = await executeUpload(UploadSessionFileDocument, { input: { ...ids(session.id), file } });
      changed(uploadSessionFile);
      const { filesUploaded, totalBytesUploaded } = uploadSessionFile.stats;
      return { done: `Uploaded ${file.name} (${formatBytes(file.size)}): the session now has ${filesUploaded} file(s), ${formatBytes(totalBytesUploaded)}.`, next: 'upload more files, or Complete the session once they are all in.' };
    });
  const complete = () =>
    session &&
    confirm({
      title: 'Complete this session?',
      consequence: `Tells Graph that the review's data is all here (${session.stats.filesUploaded} file(s), ${formatBytes(session.stats.totalBytesUploaded)}). This cannot be undone: the session takes no more files and cannot be deleted, and its review can get no other session.`,
      confirmLabel: 'Complete session',
      run: () =>
        void step(async () => {
          const { completeUploadSession } = await execute(CompleteUploadSessionDocument, { input: ids(session.id) });
          changed(completeUploadSession);
          return { done: `Completed: the session is ${completeUploadSession.status}.`, next: AFTER_COMPLETE };
        }),
    });
  const remove = () =>
    session &&
    confirm({
      title: 'Delete this session?',
      consequence: `Deletes the session and its ${session.stats.filesUploaded} file(s) on Graph. This cannot be undone: the files are gone; the review can get a new, empty session while its upload window is open.`,
      confirmLabel: 'Delete session',
      run: () =>
        void step(async () => {
          const { deleteUploadSession } = await execute(DeleteUploadSessionDocument, { input: ids(session.id) });
          changed(null);
          return { done: `Deleted session ${deleteUploadSession.deletedUploadSessionId}.`, next: "create a new session from the review's row while its window is open." };
        }),
    });
  return { select, create, upload, complete, remove };
}

function nextFor(session: UploadSessionFieldsFragment): string {
  if (session.status === 'COMPLETE') return AFTER_COMPLETE;
  if (session.status !== 'ACTIVE') return 'delete it, and create a new session from its review while the window is open.';
  return session.stats.filesUploaded === 0 ? "choose the resource's CSV file and Upload it; then Complete." : 'upload more files, or Complete the session once they are all in.';
}
