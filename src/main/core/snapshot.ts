import type {
  AgentRecord,
  AgentView,
  HourlyCount,
  LocalDate,
  SessionRecord,
  SessionStats,
  SessionView,
  Snapshot,
  SourceHealth,
} from '../../shared/model';
import { estimateMemoryGb, totalMemoryGb, type MemoryOverrides } from './memoryEstimate';

/** What one read of PostgreSQL gave: everything, or the reason it gave nothing. */
export type PostgresReading =
  | {
      readonly ok: true;
      readonly activeSessions: readonly SessionRecord[];
      readonly activeTotal: number;
      readonly history: readonly SessionRecord[];
      readonly stats: SessionStats;
      readonly sessionsToday: number;
      readonly timeline: readonly HourlyCount[];
      readonly dropped: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

export interface AgentReading {
  /** Null when neither the registry nor the sessions could say. */
  readonly agents: readonly AgentRecord[] | null;
  readonly health: SourceHealth;
}

export interface SnapshotInput {
  readonly now: number;
  readonly timeZone: string;
  readonly today: LocalDate;
  readonly historyDate: LocalDate;
  readonly postgres: PostgresReading;
  readonly agents: AgentReading;
  readonly memoryOverrides?: MemoryOverrides;
}

function secondsBetween(from: string, to: number): number {
  return Math.max(0, Math.floor((to - Date.parse(from)) / 1000));
}

export function viewSession(session: SessionRecord, now: number): SessionView {
  const end = session.endedAt === null ? now : Date.parse(session.endedAt);
  return { ...session, durationSeconds: secondsBetween(session.startedAt, end) };
}

export function viewAgent(agent: AgentRecord, now: number, overrides?: MemoryOverrides): AgentView {
  return {
    ...agent,
    memoryGb: estimateMemoryGb(agent.role, agent.model, overrides),
    uptimeSeconds: agent.spawnedAt === null ? null : secondsBetween(agent.spawnedAt, now),
  };
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const { now, postgres } = input;
  const agents = input.agents.agents?.map((agent) => viewAgent(agent, now, input.memoryOverrides)) ?? null;
  const postgresHealth: SourceHealth = postgres.ok
    ? { state: 'ok', dropped: postgres.dropped.length, droppedReasons: [...postgres.dropped] }
    : { state: 'error', error: postgres.error, dropped: 0, droppedReasons: [] };
  return {
    takenAt: new Date(now).toISOString(),
    timeZone: input.timeZone,
    today: input.today,
    historyDate: input.historyDate,
    sources: { postgres: postgresHealth, registry: input.agents.health },
    summary: {
      activeAgents: agents?.length ?? null,
      activeSessions: postgres.ok ? postgres.activeTotal : null,
      sessionsToday: postgres.ok ? postgres.sessionsToday : null,
      memoryGb: agents === null ? null : totalMemoryGb(agents),
    },
    activeSessions: postgres.ok ? postgres.activeSessions.map((session) => viewSession(session, now)) : null,
    agents,
    history: postgres.ok ? postgres.history.map((session) => viewSession(session, now)) : null,
    stats: postgres.ok ? postgres.stats : null,
    timeline: postgres.ok ? [...postgres.timeline] : null,
  };
}
