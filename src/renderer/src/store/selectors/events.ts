import type { MonitorEvent } from '../../../../shared/monitorEvent';

/** Events newest first, grouped by local day for the stream. */
export function groupEventsByDay(
  events: readonly MonitorEvent[],
  dayOf: (instant: string) => string,
): Array<{ day: string; events: MonitorEvent[] }> {
  const groups: Array<{ day: string; events: MonitorEvent[] }> = [];
  for (const event of [...events].reverse()) {
    const day = dayOf(event.at);
    const last = groups.at(-1);
    if (last?.day === day) last.events.push(event);
    else groups.push({ day, events: [event] });
  }
  return groups;
}
