/** Nagios plugin convention, so `status` can serve as a check as it is. */
export const EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
