import { formatDuration, formatRole } from '../../../shared/format';
import { useMonitor } from '../hooks/monitorContext';

/** What ECHO records of its own work: its open decisions and its workflows that run, wait or failed. */
export function EchoWork() {
  const work = useMonitor((state) => state.snapshot?.work ?? null);
  if (work === null || (work.openDecisionsTotal === 0 && work.workflowsTotal === 0)) return null;
  return (
    <section className="panel" aria-labelledby="work-heading">
      <header className="panel-header">
        <h2 id="work-heading">Decisions and Workflows</h2>
        <p className="muted">
          {work.openDecisionsTotal} open {work.openDecisionsTotal === 1 ? 'decision' : 'decisions'} ·{' '}
          {work.workflowsTotal} running, paused or failed
        </p>
      </header>
      {work.openDecisions.length > 0 && (
        <div className="table-scroll">
          <table aria-label="Open decisions">
            <thead>
              <tr>
                <th scope="col">Decision</th>
                <th scope="col">Opened by</th>
                <th scope="col">Status</th>
                <th scope="col">Votes</th>
                <th scope="col">Open for</th>
              </tr>
            </thead>
            <tbody>
              {work.openDecisions.map((decision) => (
                <tr key={decision.id} data-decision-id={decision.id}>
                  <td>
                    <span className="strong">{decision.type}</span>
                    <span className="readings muted">
                      {decision.mode}
                      {decision.participants.length > 0 && ` · ${decision.participants.map(formatRole).join(', ')}`}
                    </span>
                  </td>
                  <td>{formatRole(decision.initiator)}</td>
                  <td>{decision.status}</td>
                  <td>
                    {decision.participants.length > 0
                      ? `${decision.votes} of ${decision.participants.length}`
                      : decision.votes}
                  </td>
                  <td>{formatDuration(decision.ageSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {work.workflows.length > 0 && (
        <ul className="attention" aria-label="Workflows">
          {work.workflows.map((workflow) => (
            <li
              key={`${workflow.kind}:${workflow.id}`}
              className={workflow.status === 'failed' ? 'alert alert-warning' : 'warning'}
            >
              <span className="badge">{workflow.status}</span> {workflow.kind === 'flow' ? 'Flow' : 'Workflow'}{' '}
              {workflow.name}
              {workflow.pauseReason !== null && ` (${workflow.pauseReason})`}
              {workflow.error !== null && `: ${workflow.error}`}
              <span className="since"> Last change {formatDuration(workflow.idleSeconds)} ago.</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
