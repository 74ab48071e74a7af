/** Nagios plugin convention, so `status` can serve as a check as it is. */
export const EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The same codes, as the controls (end-session, stop-agent, unload) use them; 3 is still bad usage. */
export const CONTROL_EXIT = {
  done: EXIT.ok,
  /** The delegator or Ollama said no, and why. */
  refused: EXIT.warning,
  /** No answer in time, or a source down: not done, or not known to be done. */
  notDone: EXIT.critical,
} as const;
