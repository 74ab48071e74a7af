import { useZonedTime } from '../hooks/useZonedTime';
import { useMonitor } from '../hooks/monitorContext';
import { selectSourceBadges } from '../store/selectors/sources';

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
    </ul>
  );
}
