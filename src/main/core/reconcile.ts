import { formatDuration, formatGb, formatRole } from '../../shared/format';
import type { AgentView, ResidentModel, SessionRecord, Warning } from '../../shared/model';

export interface ReconcileSettings {
  /** Agents spawn after their session starts; this long with none is worth a word. */
  readonly sessionWithoutAgentsAfterSeconds: number;
  readonly heartbeatStaleSeconds: number;
  /** A session still active this long after the last of its agents was seen suggests the delegator died. */
  readonly orphanedAfterSeconds: number;
}

export const DEFAULT_RECONCILE_SETTINGS: ReconcileSettings = {
  sessionWithoutAgentsAfterSeconds: 120,
  heartbeatStaleSeconds: 90,
  orphanedAfterSeconds: 600,
};

export interface ReconcileState {
  /** Per active session, when one of its agents was last in the registry. */
  readonly agentsLastSeen: ReadonlyMap<string, number>;
}

export const EMPTY_RECONCILE_STATE: ReconcileState = { agentsLastSeen: new Map() };

/** Only fresh data is compared: a stale list would make every agent look gone. */
export interface ReconcileInput {
  readonly now: number;
  readonly activeSessions: readonly SessionRecord[] | null;
  readonly agents: readonly AgentView[] | null;
  readonly agentsFromRegistry: boolean;
  readonly residentModels: readonly ResidentModel[] | null;
}

const secondsSince = (instant: string, now: number): number => Math.floor((now - Date.parse(instant)) / 1000);

function belongsTo(agent: AgentView, session: SessionRecord): boolean {
  return agent.sessionId === null ? session.agents.includes(agent.role) : agent.sessionId === session.sessionId;
}

function sessionWarnings(input: ReconcileInput, state: ReconcileState, settings: ReconcileSettings) {
  const warnings: Warning[] = [];
  const agentsLastSeen = new Map<string, number>();
  const { now, agents } = input;
  for (const session of input.activeSessions ?? []) {
    const age = secondsSince(session.startedAt, now);
    const running = agents?.filter((agent) => belongsTo(agent, session)) ?? [];
    if (session.agents.length === 0 && agents !== null && running.length === 0 && age >= settings.sessionWithoutAgentsAfterSeconds) {
      warnings.push({
        kind: 'session-without-agents',
        sessionId: session.sessionId,
        message: `Session ${session.sessionId} (${session.category}) has been active for ${formatDuration(age)} with no agents.`,
      });
    }
    if (!input.agentsFromRegistry || agents === null) continue;
    const lastSeen = running.length > 0 ? now : (state.agentsLastSeen.get(session.sessionId) ?? Date.parse(session.startedAt));
    agentsLastSeen.set(session.sessionId, lastSeen);
    const goneFor = Math.floor((now - lastSeen) / 1000);
    if (session.agents.length > 0 && running.length === 0 && goneFor >= settings.orphanedAfterSeconds) {
      warnings.push({
        kind: 'session-orphaned',
        sessionId: session.sessionId,
        message: `Session ${session.sessionId} is still active, but none of its agents has run for ${formatDuration(goneFor)}. The delegator may have stopped without ending it.`,
      });
    }
  }
  return { warnings, agentsLastSeen };
}

function agentWarnings(input: ReconcileInput, settings: ReconcileSettings): Warning[] {
  const warnings: Warning[] = [];
  if (!input.agentsFromRegistry) return warnings;
  for (const agent of input.agents ?? []) {
    const name = formatRole(agent.role);
    if (agent.processAlive === false && agent.pid !== null) {
      warnings.push({
        kind: 'agent-process-gone',
        role: agent.role,
        message: `${name}'s process ${agent.pid} is gone, but the registry still lists it.`,
      });
    }
    if (agent.lastHeartbeat !== null) {
      const silent = secondsSince(agent.lastHeartbeat, input.now);
      if (silent >= settings.heartbeatStaleSeconds) {
        warnings.push({
          kind: 'agent-heartbeat-stale',
          role: agent.role,
          message: `${name} has sent no heartbeat for ${formatDuration(silent)}.`,
        });
      }
    }
  }
  return warnings;
}

function modelWarnings(input: ReconcileInput): Warning[] {
  if (input.agents === null) return [];
  return (input.residentModels ?? [])
    .filter((model) => model.usedBy.length === 0)
    .map((model) => ({
      kind: 'model-unused' as const,
      model: model.name,
      message:
        `Ollama holds ${model.name} (${formatGb(model.sizeGb)}) with no agent using it` +
        (model.unloadsInSeconds === null ? '.' : `; it unloads in ${formatDuration(model.unloadsInSeconds)}.`),
    }));
}

/** Where the sources disagree with each other, in words a person can act on. */
export function reconcile(
  input: ReconcileInput,
  state: ReconcileState,
  settings: ReconcileSettings = DEFAULT_RECONCILE_SETTINGS,
): { warnings: Warning[]; state: ReconcileState } {
  const sessions = sessionWarnings(input, state, settings);
  return {
    warnings: [...sessions.warnings, ...agentWarnings(input, settings), ...modelWarnings(input)],
    state: input.activeSessions === null ? state : { agentsLastSeen: sessions.agentsLastSeen },
  };
}
