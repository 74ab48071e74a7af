/**
 * Seconds from `startedAt` to now as the monitor sees it: the snapshot's
 * `takenAt` moved on by the local clock since it arrived, so durations tick
 * every second between polls without asking the server.
 */
export function liveSeconds(startedAt: string, takenAt: string, receivedAt: number, now: number): number {
  const serverNow = Date.parse(takenAt) + Math.max(0, now - receivedAt);
  return Math.max(0, Math.floor((serverNow - Date.parse(startedAt)) / 1000));
}
