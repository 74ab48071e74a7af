/** Something the dashboard can be opened on. */
export interface FocusTarget {
  readonly kind: 'agent' | 'session' | 'source' | 'settings';
  /** A role, a session id, a source name, or the settings section. */
  readonly id: string;
  /** Put the keyboard on the thing's control (Stop, End session): the alert suggested using it. */
  readonly control?: boolean;
}
