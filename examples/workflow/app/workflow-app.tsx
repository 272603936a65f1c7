import { useState } from 'react';
import {
  CompleteUploadSessionDocument,
  CreateUploadSessionDocument,
  DeleteUploadSessionDocument,
  UploadSessionDocument,
  UploadSessionFileDocument,
  type UploadSessionFieldsFragment,
} from '../../../src/client/generated';
import { CreateSessionForm } from './create-session-form';
import { execute, executeUpload, GatewayError, type GatewayProblem } from './gateway-client';
import { ProblemList } from './problem-list';
import { formatBytes, SEEDED_RESOURCE, type Resource } from './resource';
import { ResourceForm } from './resource-form';
import { SessionList } from './session-list';
import { SessionPanel } from './session-panel';

/** The whole job on one page: list a resource's sessions, create one for a review, upload CSV files, complete it. */
export function WorkflowApp() {
  const [resource, setResource] = useState<Resource>(SEEDED_RESOURCE);
  const [session, setSession] = useState<UploadSessionFieldsFragment | null>(null);
  const [listVersion, setListVersion] = useState(0);
  const [notice, setNotice] = useState('');
  const [problems, setProblems] = useState<GatewayProblem[]>([]);
  const [busy, setBusy] = useState(false);

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
  const create = (reviewDefinitionId: string, reviewInstanceId: string) =>
    step(async () => {
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
        <h1>Access review upload sessions</h1>
        <p className="muted">
          Every call goes to the gateway's <code>/graphql</code> on this origin; here it runs on its embedded Graph emulator.
        </p>
        <ResourceForm
          resource={resource}
          onChange={(next) => {
            setResource(next);
            setSession(null);
          }}
        />
      </header>
      <div className="outcome">
        <p role="status">{notice}</p>
        <ProblemList problems={problems} />
      </div>
      <main>
        <section aria-labelledby="sessions-heading">
          <h2 id="sessions-heading">Sessions</h2>
          <SessionList resource={resource} version={listVersion} selectedId={session?.id} onSelect={(id) => void select(id)} onProblems={setProblems} />
          <CreateSessionForm disabled={busy} onCreate={create} />
        </section>
        <section aria-labelledby="selected-heading">
          <h2 id="selected-heading">Selected session</h2>
          {session ? (
            <SessionPanel session={session} disabled={busy} onUpload={upload} onComplete={complete} onDelete={remove} />
          ) : (
            <p className="muted">Pick a session in the list or create one.</p>
          )}
        </section>
      </main>
    </>
  );
}
