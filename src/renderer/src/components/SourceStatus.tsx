import type { ReceiverHealth } from '../../../shared/model';
import { useZonedTime } from '../hooks/useZonedTime';
import { useMonitor } from '../hooks/monitorContext';
import { selectSourceBadges } from '../store/selectors/sources';

/**
 * `failing since 14:02: answered HTTP 503, 3 queued`: a receiver as a source is shown, so one down is seen where
 * sources are.
 */
function receiverText(receiver: ReceiverHealth, timeOf: (instant: string) => string): string {
  const queued = receiver.queued > 0 ? `, ${String(receiver.queued)} queued` : '';
  if (receiver.state === 'ok') return `ok${queued}`;
  const since = receiver.failingSince === null ? '' : ` since ${timeOf(receiver.failingSince)}`;
  return `failing${since}: ${receiver.lastError ?? 'no answer'}${queued}`;
}

export function SourceStatus() {
  const { timeOf } = useZonedTime();
  const snapshot = useMonitor((state) => state.snapshot);
  const connection = useMonitor((state) => state.connection);
  if (snapshot === null) return null;
  return (
    <ul className="sources" aria-label="Sources">
      {connection.status === 'lost' && (
        <li className="source source-error">Monitor: connection lost: {connection.error}</li>
      )}
      {selectSourceBadges(snapshot, timeOf).map((badge) => (
        <li key={badge.source} className={`source source-${badge.state}`}>
          <strong>{badge.label}</strong> {badge.text}
        </li>
      ))}
      {snapshot.receivers?.map((receiver) => (
        <li
          key={`receiver:${receiver.name}`}
          className={`source source-${receiver.state === 'ok' ? 'ok' : 'error'}`}
          title={`${receiver.kind} alert receiver; alerts from ${receiver.minLevel}; ${String(receiver.delivered)} sent, ${String(receiver.dropped)} given up`}
        >
          <strong>Alerts to {receiver.name}</strong> {receiverText(receiver, timeOf)}
        </li>
      ))}
    </ul>
  );
}
