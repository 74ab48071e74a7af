/** Something the dashboard can be opened on. */
export interface FocusTarget {
  readonly kind: 'agent' | 'session' | 'source' | 'settings';
  /** A role, a session id, a source name, or the settings section. */
  readonly id: string;
}
