import type { ReactNode } from 'react';

/** A labelled input of the settings, with a note below it where there is one to give. */
export function Field({
  label,
  note,
  children,
}: {
  readonly label: string;
  readonly note?: string;
  readonly children: ReactNode;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {note && <small className="muted">{note}</small>}
    </label>
  );
}
