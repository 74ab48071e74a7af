import { useMonitor } from '../hooks/monitorContext';
import { selectKpis, type Figure } from '../store/selectors/cards';

function Number({ figure, unit }: { readonly figure: Figure; readonly unit?: string }) {
  return (
    <p className={`headline${figure.stale ? ' stale' : ''}`} title={figure.stale ? 'From the last good reading' : undefined}>
      {unit && figure.text.endsWith(` ${unit}`) ? (
        <>
          {figure.text.slice(0, -unit.length - 1)}
          <span className="unit">{unit}</span>
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
        <Number figure={kpis.memory} unit="GB" />
        <p className="note">{kpis.memoryNote}</p>
      </article>
      <article className="card">
        <h3>Active Sessions</h3>
        <Number figure={kpis.activeSessions} />
        <p className="note">Total today: {kpis.totalToday.text}</p>
      </article>
    </section>
  );
}
