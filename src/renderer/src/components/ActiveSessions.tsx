import { memo } from 'react';
import { formatRole, shownOfTotal } from '../../../shared/format';
import type { SessionView } from '../../../shared/model';
import { useZonedTime } from '../hooks/useZonedTime';
import { useMonitor } from '../hooks/monitorContext';
import { countRender } from '../renderCount';
import { ControlButton } from './ControlButton';
import { LiveDuration } from './LiveDuration';
import { TimelineButton } from './TimelineButton';

type SessionCardProps = Pick<SessionView, 'sessionId' | 'category' | 'description' | 'startedAt'> & {
  readonly agents: string;
};

/** Re-renders only when what it shows changes; the duration ticks inside on its own. */
const SessionCard = memo(function SessionCard({
  sessionId,
  category,
  description,
  startedAt,
  agents,
}: SessionCardProps) {
  const { timeOf } = useZonedTime();
  countRender(`session:${sessionId}`);
  return (
    <li className="session" data-session-id={sessionId}>
      <div className="session-line">
        <span className="category-badge">{category}</span>
        <time className="mono muted" dateTime={startedAt}>
          {timeOf(startedAt)}
        </time>
        <span className="muted">
          Duration: <LiveDuration startedAt={startedAt} />
        </span>
      </div>
      <h3>{description ?? 'No description'}</h3>
      <p className="muted session-id">
        Session ID: <span className="mono strong">{sessionId}</span>
        <TimelineButton session={{ sessionId, category, description, startedAt, endedAt: null }} />
        <ControlButton request={{ type: 'end_session', sessionId }} />
      </p>
      {agents && (
        <ul className="chips" aria-label="Agents">
          {agents.split(',').map((role) => (
            <li key={role} className="chip">
              {formatRole(role)}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
});

export function ActiveSessions() {
  const sessions = useMonitor((state) => state.snapshot?.activeSessions);
  const total = useMonitor((state) => state.snapshot?.summary.activeSessions ?? null);
  const recorded = useMonitor((state) => state.snapshot?.sessionsRecorded ?? null);
  if (sessions === undefined) return null;
  if (sessions === null) {
    return (
      <section className="panel" aria-labelledby="active-heading">
        <header className="panel-header">
          <h2 id="active-heading">Active Sessions</h2>
        </header>
        <p className="empty">Sessions are unknown until PostgreSQL answers.</p>
      </section>
    );
  }
  // An ECHO at its current commit keeps sessions in memory only: saying so beats an empty panel that reads as idleness.
  if (sessions.length === 0 && recorded === false) {
    return (
      <section className="panel" aria-labelledby="active-heading">
        <header className="panel-header">
          <h2 id="active-heading">Active Sessions</h2>
        </header>
        <p className="empty" role="note">
          Sessions are not recorded by this ECHO: its delegator keeps them in memory, and no session was written in the
          last day while agents ran. The seed guide&apos;s Part 2 persists them to{' '}
          <span className="mono">delegator_sessions</span>.
        </p>
      </section>
    );
  }
  // As in the seed, the section shows only while something runs.
  if (sessions.length === 0) return null;
  const cut = shownOfTotal(sessions.length, total);
  return (
    <section className="panel" aria-labelledby="active-heading">
      <header className="panel-header">
        <h2 id="active-heading">Active Sessions</h2>
        <p className="muted">Currently running delegator sessions{cut && ` · the newest ${cut}`}</p>
      </header>
      <ul className="sessions">
        {sessions.map((session) => (
          <SessionCard
            key={session.sessionId}
            sessionId={session.sessionId}
            category={session.category}
            description={session.description}
            startedAt={session.startedAt}
            agents={session.agents.join(',')}
          />
        ))}
      </ul>
    </section>
  );
}
