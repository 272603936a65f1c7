/** A person as Graph names them: `userIdentity`'s id, and the name and UPN when Graph knows them. */
export interface Identity {
  id: string;
  displayName: string | null;
  userPrincipalName: string | null;
}

/**
 * A name to read, the UPN beside it, and the GUID where it is needed: on hover (the title) and behind "copy
 * id". Someone the directory does not name shows the GUID's first block, the whole of it on hover.
 */
export function Person({ identity }: { identity: Identity }) {
  const { id, displayName, userPrincipalName } = identity;
  const name = displayName || userPrincipalName;
  return (
    <span className="person" title={id} data-principal-id={id}>
      <span className="name">{name ?? `unnamed (${id.split('-')[0]}…)`}</span>
      {displayName && userPrincipalName ? <span className="upn">{userPrincipalName}</span> : null}
      <button type="button" className="link copy" aria-label={`Copy the id of ${name ?? id}`} onClick={() => void navigator.clipboard?.writeText(id)}>
        copy id
      </button>
    </span>
  );
}

/** The same, as plain text: for notices. */
export function nameOf({ id, displayName, userPrincipalName }: Identity): string {
  return displayName || userPrincipalName || id;
}
