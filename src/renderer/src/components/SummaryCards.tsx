import { useMonitor } from '../hooks/monitorContext';
import { selectKpis, type Figure } from '../store/selectors/cards';

/**
 * A figure with its unit set smaller, as the seed's cards show `12.5 GB`: the unit is whichever the figure was written
 * in.
 */
function Number({ figure, withUnit = false }: { readonly figure: Figure; readonly withUnit?: boolean }) {
  const parts = withUnit ? /^(.*) (MB|GB)$/.exec(figure.text) : null;
  return (
    <p
      className={`headline${figure.stale ? ' stale' : ''}`}
      title={figure.stale ? 'From the last good reading' : undefined}
    >
      {parts ? (
        <>
          {parts[1]}
          <span className="unit">{parts[2]}</span>
        </>
      ) : (
        figure.text
      )}
    </p>
  );
}

export function SummaryCards() {
  const snapshot = useMonitor((state) => state.snapshot);
  if (snapshot === null) return null;
  const kpis = selectKpis(snapshot);
  return (
    <section className="cards" aria-label="Resource summary">
      <article className="card">
        <h3>Active Agents</h3>
        <Number figure={kpis.activeAgents} />
        <p className="note">
          CPU: <span className={`cpu cpu-${kpis.cpuLoad ?? 'unknown'}`}>{kpis.cpuLoad ?? 'unknown'}</span>
          {kpis.agentsCpu !== null && ` · ${kpis.agentsCpu}`}
        </p>
      </article>
      <article className="card">
        <h3>Memory Usage</h3>
        <Number figure={kpis.memory} withUnit />
        <p className="note">{kpis.memoryNote}</p>
        {kpis.memoryHint !== null && <p className="note hint">{kpis.memoryHint}</p>}
      </article>
      <article className="card">
        <h3>Active Sessions</h3>
        <Number figure={kpis.activeSessions} />
        <p className="note">Total today: {kpis.totalToday.text}</p>
      </article>
    </section>
  );
}
