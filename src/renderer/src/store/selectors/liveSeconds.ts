/**
 * Seconds from `startedAt` to now as the monitor sees it: the snapshot's
 * `takenAt` moved on by the local clock since it arrived, so durations tick
 * every second between polls without asking the server.
 */
export function liveSeconds(startedAt: string, takenAt: string, receivedAt: number, now: number): number {
  return Math.max(0, signedLiveSeconds(startedAt, takenAt, receivedAt, now));
}

/** The monitor's time now: the snapshot's `takenAt` moved on by the local clock since it arrived. */
export function serverNow(takenAt: string, receivedAt: number, now: number): number {
  return Date.parse(takenAt) + Math.max(0, now - receivedAt);
}

/** The same, negative for a start still ahead. */
function signedLiveSeconds(startedAt: string, takenAt: string, receivedAt: number, now: number): number {
  return Math.floor((serverNow(takenAt, receivedAt, now) - Date.parse(startedAt)) / 1000);
}

/**
 * As the monitor's warning has it: a start further ahead than a clock's drift is a wrong date, not a short duration.
 */
const FUTURE_TOLERANCE_SECONDS = 60;

export function datedInFuture(startedAt: string, takenAt: string, receivedAt: number, now: number): boolean {
  return -signedLiveSeconds(startedAt, takenAt, receivedAt, now) > FUTURE_TOLERANCE_SECONDS;
}
