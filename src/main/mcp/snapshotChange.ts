import { sourceNameSchema, type Snapshot } from '../../shared/model';

/**
 * What a reader of the snapshot would call a change, as one comparable
 * string: which sources answer, which agents run where and with what loaded,
 * which sessions are open, what Ollama holds, each category's verdict, ECHO's
 * open decisions and workflows, the alerts and warnings. Every poll moves
 * `takenAt`, every age, the CPU and the free memory by a little, and a busy
 * ECHO's backlogs, votes and failures move with each message; those count only
 * through what they lead to (an alert, a verdict, a warning such as
 * `agent-backlog`), so a subscriber hears of a change in state, not of each
 * poll or message.
 */
export function snapshotFingerprint(snapshot: Snapshot): string {
  const { summary, work } = snapshot;
  return JSON.stringify({
    today: snapshot.today,
    sources: sourceNameSchema.options.map((name) => [
      name,
      snapshot.sources[name].state,
      snapshot.sources[name].error ?? null,
    ]),
    counts: [summary.activeAgents, summary.activeSessions, summary.sessionsToday, summary.memorySource],
    sessionsRecorded: snapshot.sessionsRecorded,
    agents:
      snapshot.agents?.map((agent) => [
        agent.role,
        agent.model,
        agent.status,
        agent.pid,
        agent.host,
        agent.processAlive,
        agent.memory.modelLoaded,
        agent.heartbeat?.status ?? null,
        agent.copies.map((copy) => copy.pid),
      ]) ?? null,
    sessions: snapshot.activeSessions?.map((session) => [session.sessionId, session.status, session.agents]) ?? null,
    models: snapshot.residentModels?.map((model) => [model.name, model.usedBy]) ?? null,
    forecast: snapshot.forecast.categories.map((entry) => [entry.category, entry.verdict]),
    work:
      work === null
        ? null
        : [
            work.openDecisions.map((decision) => [decision.id, decision.status]),
            work.workflows.map((workflow) => [workflow.id, workflow.status]),
          ],
    alerts: snapshot.alerts.map((alert) => [alert.id, alert.severity]),
    warnings: snapshot.warnings.map((warning) => [warning.kind, warning.role, warning.sessionId, warning.model]),
  });
}
