import { boundedEvent, type MonitorEvent } from '../../shared/monitorEvent';

/** A delegator's announcement and the monitor noticing the same change are one event, not two. */
const SAME_CHANGE_WINDOW_MS = 60_000;

function subject(event: MonitorEvent): string | undefined {
  return event.role ?? event.sessionId;
}

function announced(log: readonly MonitorEvent[], noticed: MonitorEvent): boolean {
  const at = Date.parse(noticed.at);
  for (let index = log.length - 1; index >= 0; index -= 1) {
    const entry = log[index];
    if (entry === undefined) continue;
    if (at - Date.parse(entry.at) > SAME_CHANGE_WINDOW_MS) break;
    if (entry.origin === 'registry' && entry.type === noticed.type && subject(entry) === subject(noticed)) return true;
  }
  return false;
}

/**
 * Appends events (each text cut to its limit), dropping what the delegator already announced, and keeps the newest
 * `limit`.
 */
export function appendEvents(
  log: readonly MonitorEvent[],
  events: readonly MonitorEvent[],
  limit: number,
): { log: MonitorEvent[]; added: MonitorEvent[] } {
  const added = events.filter((event) => event.origin === 'registry' || !announced(log, event)).map(boundedEvent);
  const merged = [...log, ...added];
  return { log: merged.length > limit ? merged.slice(merged.length - limit) : merged, added };
}
