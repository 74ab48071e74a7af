import { formatDuration, formatGb, formatRole } from '../../shared/format';
import type { AgentView, SessionRecord, Warning } from '../../shared/model';
import { holdsItsModel } from '../../shared/modelName';
import { heartbeatsInUse } from './agentSightings';
import type { HeartbeatData } from './readings';

/** What the agent warnings compare; every list is fresh this poll, or null. */
export interface AgentSignals {
  readonly now: number;
  readonly agents: readonly AgentView[];
  readonly activeSessions: readonly SessionRecord[] | null;
  /** ECHO's heartbeats as read this poll; null when PostgreSQL failed or ECHO keeps none. */
  readonly heartbeats: HeartbeatData | null;
  /** True when this machine's processes were looked at and ECHO's agents run here, so a missing process means something. */
  readonly processesHere: boolean;
  /** ECHO counts an agent down after this long without a heartbeat. */
  readonly heartbeatStaleSeconds: number;
}

const ageOf = (instant: number, now: number): number => Math.max(0, Math.floor((now - instant) / 1000));

/** A session's agents with no fresh heartbeat: ECHO itself counts them down. */
function silentSessionAgents(signals: AgentSignals): Warning[] {
  const { heartbeats, now, heartbeatStaleSeconds: stale } = signals;
  if (heartbeats === null || !heartbeatsInUse(heartbeats)) return [];
  const rows = new Map(heartbeats.rows.map((row) => [row.role, row]));
  const running = new Set(signals.agents.map((agent) => agent.role));
  const warnings: Warning[] = [];
  for (const session of signals.activeSessions ?? []) {
    // A session just begun may name an agent whose first heartbeat is on its way.
    if (ageOf(Date.parse(session.startedAt), now) <= stale) continue;
    for (const role of session.agents) {
      if (running.has(role)) continue;
      const row = rows.get(role);
      const silence = row ? `has sent no heartbeat for ${formatDuration(ageOf(row.lastHeartbeatAt, now))}` : 'has never sent a heartbeat';
      warnings.push({
        kind: 'agent-heartbeat-stale',
        role,
        sessionId: session.sessionId,
        message: `${formatRole(role)} (session ${session.sessionId}) ${silence}${row?.status === 'stopped' ? ' and says it stopped' : ''}. ECHO counts it down: end the session, or start the agent again.`,
      });
    }
  }
  return warnings;
}

function agentWarning(agent: AgentView, signals: AgentSignals): Warning | null {
  const name = formatRole(agent.role);
  const heartbeatSeen = agent.origins.includes('heartbeat');
  const processSeen = agent.origins.includes('process');
  if (heartbeatSeen && !processSeen && signals.processesHere && agent.heartbeat !== null) {
    return {
      kind: 'agent-process-gone',
      role: agent.role,
      message: `${name}'s heartbeat is ${formatDuration(agent.heartbeat.ageSeconds)} old, but no process of it runs on this machine. Its last heartbeats may have come from elsewhere; if not, the delegator will notice the exit.`,
    };
  }
  const hung = heartbeatsInUse(signals.heartbeats) && processSeen && !heartbeatSeen;
  if (hung && (agent.uptimeSeconds ?? 0) > signals.heartbeatStaleSeconds) {
    const silence = agent.heartbeat === null ? 'has never sent a heartbeat' : `has sent no heartbeat for ${formatDuration(agent.heartbeat.ageSeconds)}`;
    return {
      kind: 'agent-hung',
      role: agent.role,
      message: `${name}'s process${agent.pid === null ? '' : ` ${agent.pid}`} runs but ${silence}: it may be hung. Stop it; the delegator starts it again when a task needs it.`,
    };
  }
  return null;
}

/** Agents in error, and agents that serve no active session while holding their model's memory. */
function statusWarnings(agent: AgentView, signals: AgentSignals): Warning | null {
  const name = formatRole(agent.role);
  if (agent.status === 'error' || agent.heartbeat?.status === 'error') {
    return { kind: 'agent-error', role: agent.role, message: `${name} reports an error. Look at its log, then stop it to free its memory.` };
  }
  const sessions = signals.activeSessions;
  if (sessions === null || !holdsItsModel(agent)) return null;
  const serving = sessions.some((session) => session.sessionId === agent.sessionId || session.agents.includes(agent.role));
  if (serving) return null;
  return {
    kind: 'agent-idle',
    role: agent.role,
    message: `${name} runs in no active session and holds ${agent.model} (${formatGb(agent.memoryGb)}): stopping it frees that memory.`,
  };
}

/** Where ECHO's own signals (heartbeats, processes, statuses) disagree with each other or with the sessions. */
export function agentSignalWarnings(signals: AgentSignals): Warning[] {
  const perAgent = signals.agents.flatMap((agent) => [agentWarning(agent, signals), statusWarnings(agent, signals)].filter((warning) => warning !== null));
  return [...silentSessionAgents(signals), ...perAgent];
}
