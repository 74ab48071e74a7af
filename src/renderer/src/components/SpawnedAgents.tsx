import { memo } from 'react';
import { useZonedTime } from '../hooks/useZonedTime';
import { useMonitor } from '../hooks/monitorContext';
import { selectAgentRows, type AgentRow } from '../store/selectors/agents';
import { agentsStale } from '../store/selectors/sources';
import { countRender } from '../renderCount';
import { ControlButton } from './ControlButton';
import { LiveDuration } from './LiveDuration';
import { sameRow } from './sameRow';
import { formatDuration, formatBytes, shownOfTotal } from '../../../shared/format';

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
          {row.lineage && <span className="readings muted">{row.lineage}</span>}
          {row.work && <span className="readings">{row.work}</span>}
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
          {row.copies.length > 0 ? (
            row.copies.map((pid) => <ControlButton key={pid} request={{ type: 'stop_agent', role: row.role, pid }} />)
          ) : (
            <ControlButton request={{ type: 'stop_agent', role: row.role }} />
          )}
          {row.unloadable && <ControlButton request={{ type: 'unload_model', model: row.model }} />}
        </td>
      </tr>
    );
  },
  sameRow,
);

/** Where ECHO runs from here, and its delegators: the processes the agents' list does not show. */
function EchoLine() {
  const echo = useMonitor((state) => state.snapshot?.echo ?? null);
  if (echo === null || (echo.roots.length === 0 && echo.configuredRoot === null)) return null;
  const roots = echo.configuredRoot ?? echo.roots.join(', ');
  const delegators = echo.delegators.map(
    (process) => `delegator pid ${process.pid}${process.processBytes === null ? '' : ` · ${formatBytes(process.processBytes)}`}${process.uptimeSeconds === null ? '' : ` · up ${formatDuration(process.uptimeSeconds)}`}`,
  );
  return <p className="muted">{[`ECHO root${echo.configuredRoot === null && echo.roots.length > 1 ? 's' : ''}: ${roots}`, ...delegators].join(' · ')}</p>;
}

export function SpawnedAgents() {
  const agents = useMonitor((state) => state.snapshot?.agents);
  const stale = useMonitor((state) => state.snapshot !== null && agentsStale(state.snapshot));
  const total = useMonitor((state) => state.snapshot?.summary.activeAgents ?? null);
  const work = useMonitor((state) => state.snapshot?.work?.agents);
  const takenAt = useMonitor((state) => state.snapshot?.takenAt);
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
        <EchoLine />
      </header>
      {agents === null ? (
        <p className="empty">Agents are unknown until the registry or PostgreSQL answers.</p>
      ) : agents.length === 0 ? (
        <div className="empty">
          <p>No agents currently spawned</p>
          <p className="muted">An agent shows here once it starts: under Claude Desktop (MCP), from ECHO's scripts, or spawned by a delegator</p>
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
              {selectAgentRows(agents, work, takenAt === undefined ? 0 : Date.parse(takenAt)).map((row) => (
                <AgentLine key={row.role} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
