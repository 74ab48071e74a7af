/** Bounds the argument checks enforce and the help texts state: one place, so the two cannot disagree. */

/** Ten years of history: about 36,000 sessions, already more than any look at the monitor needs. */
export const MAX_BACKFILL_DAYS = 3650;

/** How long stop-agent and end-session wait for the delegator's acknowledgement. */
export const DEFAULT_ACK_TIMEOUT_SECONDS = 10;

/**
 * `status --watch`: how often it redraws, in whole seconds; never more than once a second, so a terminal left watching
 * cannot poll the sources in a tight loop.
 */
export const DEFAULT_WATCH_SECONDS = 2;
export const MIN_WATCH_SECONDS = 1;
export const MAX_WATCH_SECONDS = 86_400;
