import { memo } from 'react';
import { useZonedTime } from '../hooks/useZonedTime';
import { useMonitor } from '../hooks/monitorContext';
import { selectAgentRows, type AgentRow } from '../store/selectors/agents';
import { agentsStale } from '../store/selectors/sources';
import { countRender } from '../renderCount';
import { ControlButton } from './ControlButton';
import { LiveDuration } from './LiveDuration';
import { sameRow } from './sameRow';
import { shownOfTotal } from '../../../shared/format';

const AgentLine = memo(
  function AgentLine({ row }: { readonly row: AgentRow }) {
    const { timeOf } = useZonedTime();
    countRender(`agent:${row.role}`);
    return (
      <tr data-role={row.role}>
        <td>
          <div className="agent">
            <span className="initials" aria-hidden="true">
              {row.initials}
            </span>
            <span className="strong">{row.name}</span>
          </div>
        </td>
        <td>
          <span className="readings">{[row.process, row.heartbeat].filter((part) => part !== null).join(' · ') || 'N/A'}</span>
          <span className="readings muted">seen by {row.seenBy}</span>
        </td>
        <td className="mono">{row.model}</td>
        <td>
          <span className="strong">{row.memoryText}</span>
          <span className="readings">{row.readings}</span>
          {row.drift && (
            <span className="drift" role="note">
              {row.drift}
            </span>
          )}
        </td>
        <td>{row.spawnedAt === null ? 'N/A' : <LiveDuration startedAt={row.spawnedAt} />}</td>
        <td className="mono muted">{row.spawnedAt === null ? 'N/A' : timeOf(row.spawnedAt)}</td>
        <td className="commands">
          <ControlButton request={{ type: 'stop_agent', role: row.role }} />
          {row.unloadable && <ControlButton request={{ type: 'unload_model', model: row.model }} />}
        </td>
      </tr>
    );
  },
  sameRow,
);

export function SpawnedAgents() {
  const agents = useMonitor((state) => state.snapshot?.agents);
  const stale = useMonitor((state) => state.snapshot !== null && agentsStale(state.snapshot));
  const total = useMonitor((state) => state.snapshot?.summary.activeAgents ?? null);
  if (agents === undefined) return null;
  const cut = agents && shownOfTotal(agents.length, total);
  return (
    <section className="panel" aria-labelledby="agents-heading">
      <header className="panel-header">
        <h2 id="agents-heading">Spawned Agents</h2>
        <p className="muted">
          Agents currently running in memory{stale ? ' (as last read: the source is not answering)' : ''}
          {cut && ` · listing ${cut}`}
        </p>
      </header>
      {agents === null ? (
        <p className="empty">Agents are unknown until the registry or PostgreSQL answers.</p>
      ) : agents.length === 0 ? (
        <div className="empty">
          <p>No agents currently spawned</p>
          <p className="muted">Start a delegator session in Claude Desktop to spawn agents</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className={stale ? 'stale' : undefined}>
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Signals</th>
                <th scope="col">Model</th>
                <th scope="col">Memory</th>
                <th scope="col">Uptime</th>
                <th scope="col">Spawned At</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {selectAgentRows(agents).map((row) => (
                <AgentLine key={row.role} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
