/** Something the dashboard can be opened on. */
export interface FocusTarget {
  readonly kind: 'agent' | 'session' | 'source';
  /** A role, a session id or a source name. */
  readonly id: string;
}
