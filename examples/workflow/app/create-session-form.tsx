import { useState, type FormEvent } from 'react';

interface CreateSessionFormProps {
  disabled: boolean;
  /** Resolves true when the session was created: fresh ids are then ready for the next one. */
  onCreate(reviewDefinitionId: string, reviewInstanceId: string): Promise<boolean>;
}

/**
 * A session for an access review: its definition and instance ids. Random GUIDs by default, so the
 * emulator always has a review without a session; one session per review instance and resource.
 */
export function CreateSessionForm({ disabled, onCreate }: CreateSessionFormProps) {
  const [definitionId, setDefinitionId] = useState<string>(() => crypto.randomUUID());
  const [instanceId, setInstanceId] = useState<string>(() => crypto.randomUUID());
  const freshIds = () => {
    setDefinitionId(crypto.randomUUID());
    setInstanceId(crypto.randomUUID());
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onCreate(definitionId.trim(), instanceId.trim())) freshIds();
  };
  return (
    <form className="create" onSubmit={(event) => void submit(event)}>
      <h3>New session for an access review</h3>
      <label>
        Review definition id <input value={definitionId} onChange={(event) => setDefinitionId(event.target.value)} size={38} spellCheck={false} />
      </label>
      <label>
        Review instance id <input value={instanceId} onChange={(event) => setInstanceId(event.target.value)} size={38} spellCheck={false} />
      </label>
      <div className="actions">
        <button type="submit" disabled={disabled}>
          Create session
        </button>
        <button type="button" onClick={freshIds}>
          New ids
        </button>
      </div>
    </form>
  );
}
