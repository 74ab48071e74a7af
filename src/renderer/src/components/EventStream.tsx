import { memo } from 'react';
import type { MonitorEvent } from '../../../shared/monitorEvent';
import { useZonedTime } from '../hooks/useZonedTime';
import { useMonitor } from '../hooks/monitorContext';
import { groupEventsByDay } from '../store/selectors/events';

const SHOWN = 100;

/**
 * Said after an event's text, by where it came from. The delegator's
 * announcements and ECHO's own messages speak for themselves; what the monitor
 * worked out between two snapshots says so.
 */
const ORIGIN_NOTES: Readonly<Record<MonitorEvent['origin'], string | null>> = {
  registry: null,
  echo: null,
  monitor: ' · seen by the monitor',
};

/** The note's meaning, on hover: "seen" alone would leave a reader wondering by whom, and how. */
const ORIGIN_TITLES: Readonly<Record<MonitorEvent['origin'], string | undefined>> = {
  registry: undefined,
  echo: undefined,
  monitor: 'Nobody announced this: the monitor saw it change between two of its polls, so its time is when it was seen',
};

/** Events never change once logged, so a line is drawn once. */
const EventLine = memo(function EventLine({ event }: { readonly event: MonitorEvent }) {
  const { timeOf } = useZonedTime();
  const note = ORIGIN_NOTES[event.origin];
  return (
    <li className={`event event-${event.type}`}>
      <time className="mono muted" dateTime={event.at}>
        {timeOf(event.at)}
      </time>{' '}
      {event.message}
      {note !== null && (
        <span className="muted" title={ORIGIN_TITLES[event.origin]}>
          {note}
        </span>
      )}
    </li>
  );
});

export function EventStream() {
  const { dayOf } = useZonedTime();
  const events = useMonitor((state) => state.events);
  const groups = groupEventsByDay(events.slice(-SHOWN), dayOf);
  return (
    <section className="panel" aria-labelledby="events-heading">
      <header className="panel-header">
        <h2 id="events-heading">Live Events</h2>
        <p className="muted">
          Spawns, stops, sessions, models loaded and unloaded, ECHO&apos;s messages and decisions, sources and alerts,
          newest first
        </p>
      </header>
      {groups.length === 0 ? (
        <p className="empty">No events yet</p>
      ) : (
        // A list that scrolls must take the keyboard, or its older lines cannot be reached without a mouse.
        <div className="events" role="log" aria-live="polite" aria-label="Event stream" tabIndex={0}>
          {groups.map((group) => (
            <section key={group.day} aria-label={group.day}>
              <h3 className="event-day">{group.day}</h3>
              <ul>
                {group.events.map((event) => (
                  <EventLine key={event.id} event={event} />
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </section>
  );
}
