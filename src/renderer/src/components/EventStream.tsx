import { dayOf, timeOf } from '../format';
import { useMonitor } from '../hooks/monitorContext';
import { groupEventsByDay } from '../store/selectors';

const SHOWN = 100;

export function EventStream() {
  const events = useMonitor((state) => state.events);
  const hasSnapshot = useMonitor((state) => state.snapshot !== null);
  if (!hasSnapshot) return null;
  const groups = groupEventsByDay(events.slice(-SHOWN), dayOf);
  return (
    <section className="panel" aria-labelledby="events-heading">
      <header className="panel-header">
        <h2 id="events-heading">Live Events</h2>
        <p className="muted">Spawns, stops, sessions, sources and alerts, newest first</p>
      </header>
      {groups.length === 0 ? (
        <p className="empty">No events yet</p>
      ) : (
        <div className="events" role="log" aria-live="polite" aria-label="Event stream">
          {groups.map((group) => (
            <section key={group.day} aria-label={group.day}>
              <h3 className="event-day">{group.day}</h3>
              <ul>
                {group.events.map((event) => (
                  <li key={event.id} className={`event event-${event.type}`}>
                    <time className="mono muted" dateTime={event.at}>
                      {timeOf(event.at)}
                    </time>{' '}
                    {event.message}
                    {event.origin === 'monitor' && <span className="muted"> (noticed)</span>}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </section>
  );
}
