import { useEffect, useRef } from 'react';

/** A final or destructive step, asked about first: what it does, and what cannot be undone afterwards. */
export interface Confirmation {
  title: string;
  /** What happens, and what can never be undone. */
  consequence: string;
  confirmLabel: string;
  run(): void;
}

/** A modal `<dialog>`: Cancel has the focus, Escape cancels, only the named button goes on. */
export function ConfirmDialog({ confirmation, onClose }: { confirmation: Confirmation | null; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (confirmation && !element.open) element.showModal();
    if (!confirmation && element.open) element.close();
  }, [confirmation]);

  const confirm = () => {
    const run = confirmation?.run;
    onClose();
    run?.();
  };
  return (
    <dialog ref={dialog} className="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-consequence" onClose={onClose}>
      {confirmation ? (
        <>
          <h2 id="confirm-title">{confirmation.title}</h2>
          <p id="confirm-consequence">{confirmation.consequence}</p>
          <div className="actions">
            <button type="button" autoFocus onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={confirm}>
              {confirmation.confirmLabel}
            </button>
          </div>
        </>
      ) : null}
    </dialog>
  );
}
