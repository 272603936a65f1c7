import { useState, type FormEvent } from 'react';

interface CreateSessionFormProps {
  disabled: boolean;
  onCreate(reviewDefinitionId: string, reviewInstanceId: string): Promise<unknown>;
}

/**
 * A session for an access review: its definition and instance ids. Random GUIDs at first, so the emulator
 * has a review without a session; they stay after a create, so a second create shows Graph's rule (one
 * session per review instance and resource) as a CONFLICT. "New ids" draws others.
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
    await onCreate(definitionId.trim(), instanceId.trim());
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
