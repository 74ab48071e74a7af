import { formatDuration, formatRole, residentSizeText } from '../../shared/format';
import type { AgentOrigin, AgentView, EchoMachine, ResidentModel, SessionRecord, Warning } from '../../shared/model';
import { agentSignalWarnings, missingHere } from './agentWarnings';
import type { HeartbeatData } from './readings';

export interface ReconcileSettings {
  /** Agents spawn after their session starts; this long with none is worth a word. */
  readonly sessionWithoutAgentsAfterSeconds: number;
  /** ECHO counts an agent down after this long without a heartbeat; so do its agent list and its warnings here. */
  readonly heartbeatStaleSeconds: number;
  /** A session still active this long after the last of its agents was seen suggests the delegator died. */
  readonly orphanedAfterSeconds: number;
}

export const DEFAULT_RECONCILE_SETTINGS: ReconcileSettings = {
  sessionWithoutAgentsAfterSeconds: 120,
  heartbeatStaleSeconds: 30,
  orphanedAfterSeconds: 600,
};

/** The settings with ECHO's heartbeat rule as configured. */
export function reconcileSettingsFor(heartbeatTimeoutSeconds: number): ReconcileSettings {
  return { ...DEFAULT_RECONCILE_SETTINGS, heartbeatStaleSeconds: heartbeatTimeoutSeconds };
}

export interface ReconcileState {
  /** Per active session, when one of its agents was last in the registry. */
  readonly agentsLastSeen: ReadonlyMap<string, number>;
  /** Per role beating with no process known here, since when: a listing older than that says nothing of it. */
  readonly processMissingSince: ReadonlyMap<string, number>;
}

export const EMPTY_RECONCILE_STATE: ReconcileState = { agentsLastSeen: new Map(), processMissingSince: new Map() };

/** Only fresh data is compared: a stale list would make every agent look gone. */
export interface ReconcileInput {
  readonly now: number;
  readonly activeSessions: readonly SessionRecord[] | null;
  readonly agents: readonly AgentView[] | null;
  /** The sources the agent list was built from. */
  readonly agentsFrom: readonly AgentOrigin[] | null;
  readonly heartbeats: HeartbeatData | null;
  /** True when this machine's processes were looked at and ECHO's agents run here. */
  readonly processesHere: boolean;
  readonly residentModels: readonly ResidentModel[] | null;
  /**
   * Whether this ECHO records sessions (Snapshot.sessionsRecorded): only then does an agent outside every session mean
   * something.
   */
  readonly sessionsRecorded?: boolean | null;
  /** ECHO's processes on this machine beyond the agents; null when not looked at. */
  readonly echo?: EchoMachine | null;
  /** When the listing of this machine's processes started; null or absent where not told. */
  readonly processesListedAt?: number | null;
}

/** Each role missing here now, since when it first was (this poll for one newly missing). */
function processMissingSince(
  input: ReconcileInput,
  previous: ReadonlyMap<string, number>,
): ReadonlyMap<string, number> {
  const missing = (input.agents ?? []).filter((agent) => missingHere(agent, input));
  return new Map(missing.map((agent) => [agent.role, previous.get(agent.role) ?? input.now]));
}

/** The list was observed (registry, heartbeats, processes), not only read off the sessions that name agents. */
const observed = (input: ReconcileInput): boolean => (input.agentsFrom ?? []).some((origin) => origin !== 'sessions');
const fromRegistry = (agent: AgentView): boolean => agent.origins.includes('registry');

/** Clocks of two machines differ by a little; a start further ahead than this is not a clock's drift. */
const FUTURE_TOLERANCE_SECONDS = 60;

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
    if (-age > FUTURE_TOLERANCE_SECONDS) {
      warnings.push({
        kind: 'session-dated-future',
        sessionId: session.sessionId,
        message: `Session ${session.sessionId} is dated in the future (it starts ${session.startedAt}): the clock of the machine that wrote it, or the row, is wrong.`,
      });
      continue;
    }
    const running = agents?.filter((agent) => belongsTo(agent, session)) ?? [];
    if (
      session.agents.length === 0 &&
      agents !== null &&
      running.length === 0 &&
      age >= settings.sessionWithoutAgentsAfterSeconds
    ) {
      warnings.push({
        kind: 'session-without-agents',
        sessionId: session.sessionId,
        message: `Session ${session.sessionId} (${session.category}) has been active for ${formatDuration(age)} with no agents.`,
      });
    }
    if (!observed(input) || agents === null) continue;
    const lastSeen =
      running.length > 0 ? now : (state.agentsLastSeen.get(session.sessionId) ?? Date.parse(session.startedAt));
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

/** What the registry says of its own agents: a pid that is gone, a heartbeat that stopped. */
function registryWarnings(input: ReconcileInput, settings: ReconcileSettings): Warning[] {
  const warnings: Warning[] = [];
  for (const agent of (input.agents ?? []).filter(fromRegistry)) {
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
        `Ollama holds ${model.name} (${residentSizeText(model)}) with no agent using it` +
        (model.staysLoaded
          ? '; it stays loaded until unloaded.'
          : model.unloadsInSeconds === null
            ? '.'
            : `; it unloads in ${formatDuration(model.unloadsInSeconds)}.`),
    }));
}

/** Where the sources disagree with each other, in words a person can act on. */
export function reconcile(
  input: ReconcileInput,
  state: ReconcileState,
  settings: ReconcileSettings = DEFAULT_RECONCILE_SETTINGS,
): { warnings: Warning[]; state: ReconcileState } {
  const sessions = sessionWarnings(input, state, settings);
  const missingSince =
    input.agents === null ? state.processMissingSince : processMissingSince(input, state.processMissingSince);
  const listedAt = input.processesListedAt ?? null;
  return {
    warnings: [
      ...sessions.warnings,
      ...registryWarnings(input, settings),
      ...(input.agents === null
        ? []
        : agentSignalWarnings({
            now: input.now,
            agents: input.agents,
            activeSessions: input.activeSessions,
            heartbeats: input.heartbeats,
            processesHere: input.processesHere,
            heartbeatStaleSeconds: settings.heartbeatStaleSeconds,
            sessionsRecorded: input.sessionsRecorded ?? null,
            echo: input.echo ?? null,
            listing: listedAt === null ? null : { listedAt, missingSince },
          })),
      ...modelWarnings(input),
    ],
    state: {
      agentsLastSeen: input.activeSessions === null ? state.agentsLastSeen : sessions.agentsLastSeen,
      processMissingSince: missingSince,
    },
  };
}
