import { useZonedTime } from '../hooks/useZonedTime';
import { useMonitor } from '../hooks/monitorContext';

/** What needs attention: alerts firing, then the places where the sources disagree. */
export function AlertsPanel() {
  const { timeOf } = useZonedTime();
  // Selected as they are: a fresh `[]` from a selector would count as a change on every store update.
  const alerts = useMonitor((state) => state.snapshot?.alerts) ?? [];
  const warnings = useMonitor((state) => state.snapshot?.warnings) ?? [];
  if (alerts.length === 0 && warnings.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="attention-heading">
      <header className="panel-header">
        <h2 id="attention-heading">Needs Attention</h2>
      </header>
      <ul className="attention">
        {alerts.map((alert) => (
          <li key={alert.id} className={`alert alert-${alert.severity}`} id={`alert-${alert.id}`}>
            <span className="badge">{alert.severity}</span> {alert.message}
            {alert.suggestedAction && <span className="action"> {alert.suggestedAction}.</span>}
            <span className="since"> Since {timeOf(alert.since)}.</span>
          </li>
        ))}
        {warnings.map((warning, index) => (
          <li key={`${warning.kind}-${String(index)}`} className="warning">
            <span className="badge">note</span> {warning.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
