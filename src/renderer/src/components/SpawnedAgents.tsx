import { useMonitor } from '../hooks/monitorContext';
import { selectAgentRows } from '../store/selectors/agents';
import { agentsStale } from '../store/selectors/sources';
import { AGENT_COLUMNS, AgentLine } from './AgentLine';
import { formatDuration, formatBytes, shownOfTotal } from '../../../shared/format';

/** Where ECHO runs from here, and its delegators: the processes the agents' list does not show. */
function EchoLine() {
  const echo = useMonitor((state) => state.snapshot?.echo ?? null);
  if (echo === null || (echo.roots.length === 0 && echo.configuredRoot === null)) return null;
  const roots = echo.configuredRoot ?? echo.roots.join(', ');
  const delegators = echo.delegators.map(
    (process) =>
      `delegator pid ${process.pid}${process.processBytes === null ? '' : ` · ${formatBytes(process.processBytes)}`}${process.uptimeSeconds === null ? '' : ` · up ${formatDuration(process.uptimeSeconds)}`}`,
  );
  return (
    <p className="muted">
      {[`ECHO root${echo.configuredRoot === null && echo.roots.length > 1 ? 's' : ''}: ${roots}`, ...delegators].join(
        ' · ',
      )}
    </p>
  );
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
          <p className="muted">
            An agent shows here once it starts: under Claude Desktop (MCP), from ECHO's scripts, or spawned by a
            delegator
          </p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className={stale ? 'agents stale' : 'agents'}>
            <thead>
              <tr>
                {AGENT_COLUMNS.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
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
