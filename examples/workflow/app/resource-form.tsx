import { useState, type FormEvent } from 'react';
import type { Resource } from './resource';

/** The catalog and resource whose sessions are shown; prefilled with the emulator's seed. */
export function ResourceForm({ resource, onChange }: { resource: Resource; onChange(resource: Resource): void }) {
  const [catalogId, setCatalogId] = useState(resource.catalogId);
  const [resourceId, setResourceId] = useState(resource.resourceId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ catalogId: catalogId.trim(), resourceId: resourceId.trim() });
  };
  return (
    <form className="resource" onSubmit={submit}>
      <label>
        Catalog id <input value={catalogId} onChange={(event) => setCatalogId(event.target.value)} size={38} spellCheck={false} />
      </label>
      <label>
        Resource id <input value={resourceId} onChange={(event) => setResourceId(event.target.value)} size={38} spellCheck={false} />
      </label>
      <button type="submit">Show sessions</button>
    </form>
  );
}
