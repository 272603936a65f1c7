import { useState, type FormEvent } from 'react';
import type { UploadSessionFieldsFragment } from '../../../src/client/generated';
import { formatBytes } from './resource';
import { formatDate } from './time';

interface SessionPanelProps {
  session: UploadSessionFieldsFragment;
  disabled: boolean;
  /** Resolves whether the file landed. */
  onUpload(file: File): Promise<boolean>;
  onComplete(): void;
  onDelete(): void;
}

/** The selected session: status, stats and files as the gateway last answered, and the steps on it. */
export function SessionPanel({ session, disabled, onUpload, onComplete, onDelete }: SessionPanelProps) {
  const [file, setFile] = useState<File | null>(null);
  const upload = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) return;
    const form = event.currentTarget;
    // A failed upload keeps the chosen file: Retry (or Upload) sends it again without choosing it again.
    if (!(await onUpload(file))) return;
    // The same file can be chosen again (a fixed CSV of the same name) only once the input is cleared.
    form.reset();
    setFile(null);
  };
  // What Graph allows in each state: files and completion only while active; a completed session stays.
  const active = session.status === 'ACTIVE';
  const deletable = session.status !== 'COMPLETE';
  // Graph completes an empty session too, and its review then can get no other: the console does not offer it.
  const empty = session.stats.filesUploaded === 0;

  return (
    <>
      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{session.id}</code>
        </dd>
        <dt>Status</dt>
        <dd data-testid="session-status" className={`status status-${session.status.toLowerCase()}`}>
          {session.status}
        </dd>
        <dt>Upload done</dt>
        <dd>{session.isUploadDone ? 'yes' : 'no'}</dd>
        <dt>Files uploaded</dt>
        <dd data-testid="files-uploaded">{session.stats.filesUploaded}</dd>
        <dt>Bytes uploaded</dt>
        <dd data-testid="bytes-uploaded">{formatBytes(session.stats.totalBytesUploaded)}</dd>
        <dt>referenceId</dt>
        <dd>{session.referenceId ?? '—'}</dd>
        <dt>Review</dt>
        <dd>
          {session.reviewContext
            ? `${session.reviewContext.kind}: definition ${session.reviewContext.reviewDefinitionId ?? '—'}, instance ${session.reviewContext.reviewInstanceId ?? '—'}`
            : '—'}
        </dd>
        <dt>Created</dt>
        <dd>{formatDate(session.createdDateTime)}</dd>
      </dl>

      <table className="files">
        <caption>Files</caption>
        <thead>
          <tr>
            <th>Name</th>
            <th>Size</th>
            <th>Uploaded</th>
          </tr>
        </thead>
        <tbody>
          {session.files.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted">
                none yet
              </td>
            </tr>
          ) : (
            session.files.map((stored, index) => (
              <tr key={stored.id ?? index}>
                <td>{stored.name}</td>
                <td>{formatBytes(stored.size)}</td>
                <td>{formatDate(stored.uploadedDateTime)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>

      <form className="upload" onSubmit={(event) => void upload(event)}>
        <label>
          CSV file <input type="file" accept=".csv,text/csv" disabled={!active} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        </label>
        <button type="submit" disabled={disabled || !active || !file}>
          Upload
        </button>
      </form>
      <div className="actions">
        <button type="button" disabled={disabled || !active || empty} onClick={onComplete}>
          Complete
        </button>
        <button type="button" className="danger" disabled={disabled || !deletable} onClick={onDelete}>
          Delete
        </button>
      </div>
      {active && empty ? (
        <p className="muted" data-testid="complete-hint">
          Upload at least one file before completing: a session completed empty gives its review no data, and the review can get no other session.
        </p>
      ) : null}
      {!active && (
        <p className="muted" data-testid="state-rule">
          {deletable
            ? `A ${session.status.toLowerCase()} session takes no more files and cannot be completed; delete it to start again.`
            : 'A completed session takes no more files and cannot be deleted; its review instance gets no other session.'}
        </p>
      )}
    </>
  );
}
