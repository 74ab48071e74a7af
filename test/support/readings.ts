import type { AgentRecord, SessionRecord, SessionStats } from '../../src/shared/model';
import type {
  AgentProcess,
  EchoProcesses,
  OllamaModel,
  PostgresData,
  ProcessReading,
  Readings,
  Reading,
  RegistryData,
  SystemReading,
} from '../../src/main/core/readings';
import { DEFAULT_ALERT_SETTINGS } from '../../src/shared/alertSettings';
import type { PipelineSettings } from '../../src/main/core/pipeline';
import { DEFAULT_RECONCILE_SETTINGS } from '../../src/main/core/reconcile';
import { sessionRecord } from './fixtures';

import { GIB, gib } from './bytes';
export { GIB };

export function ok<T>(value: T, dropped: string[] = []): Reading<T> {
  return { ok: true, value, dropped };
}

export function failed<T>(error: string): Reading<T> {
  return { ok: false, error };
}

export function stats(overrides: Partial<SessionStats> = {}): SessionStats {
  return {
    from: '2026-11-24',
    to: '2026-11-24',
    totalSessions: 3,
    unreadableSessions: 0,
    avgAgentsPerSession: 2,
    totalAgentsSpawned: 6,
    categoryBreakdown: { development: 3 },
    statusBreakdown: { active: 1, completed: 2 },
    avgDurationSeconds: 600,
    endedSessions: 2,
    sessionsPerDay: [{ date: '2026-11-24', count: 3 }],
    ...overrides,
  };
}

export function postgresData(
  activeSessions: SessionRecord[] = [sessionRecord()],
  overrides: Partial<PostgresData> = {},
): PostgresData {
  return {
    historyDate: '2026-11-24',
    activeSessions,
    activeTotal: activeSessions.length,
    history: activeSessions,
    stats: stats(),
    sessionsToday: 3,
    timeline: [],
    newestSessionAt: null,
    // An older ECHO by default: no agent_status, so the sessions name the agents as before.
    heartbeats: { present: false, rows: [] },
    // ECHO's work records unread, as where a poll could not read them.
    work: null,
    ...overrides,
  };
}

export function registryAgent(role: string, model: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    role,
    model,
    spawnedAt: '2026-11-24T14:23:05.000Z',
    sessionId: 'session_1731355385_a1b2c3d4',
    pid: null,
    host: null,
    status: 'running',
    lastHeartbeat: null,
    origins: ['registry'],
    ...overrides,
  };
}

export function registryData(agents: AgentRecord[]): RegistryData {
  return { exists: agents.length > 0, agents };
}

export function ollamaModel(name: string, gb: number, expiresAt: number | null = null): OllamaModel {
  return { name, sizeBytes: gib(gb), vramBytes: 0, expiresAt };
}

/** A 32 GB machine with 16 GB free and a quiet CPU, unless the test says otherwise. */
/**
 * One of ECHO's VMs as the scanner reports it: an autonomous copy under `/home/ana/echo`, this user's, started by hand.
 */
export function agentProcess(role: string, pid: number, overrides: Partial<AgentProcess> = {}): AgentProcess {
  return {
    pid,
    role,
    model: null,
    rssBytes: 300 * 1024 * 1024,
    cpuPercent: 1,
    startedAt: Date.parse('2026-11-24T14:00:00.000Z') + pid,
    root: '/home/ana/echo',
    form: 'autonomous',
    uid: 1000,
    otherUser: false,
    parent: null,
    launchedBy: null,
    orphaned: false,
    ...overrides,
  };
}

/** A scan's result: these agents, no delegator, their roots (of this user's copies), nothing left out. */
export function echoProcesses(agents: readonly AgentProcess[], overrides: Partial<EchoProcesses> = {}): EchoProcesses {
  const roots = [
    ...new Set(agents.flatMap((agent) => (agent.root === null || agent.otherUser ? [] : [agent.root]))),
  ].sort();
  return { agents, delegators: [], roots, configuredRoot: null, otherRoots: 0, otherUsers: 0, ...overrides };
}

export function system(overrides: Partial<SystemReading> = {}): SystemReading {
  return { totalBytes: 32 * GIB, freeBytes: 16 * GIB, cpuPercent: 5, ...overrides };
}

export interface ReadingsOverrides {
  postgres?: Reading<PostgresData>;
  registry?: Reading<RegistryData> | null;
  /** Ollama's models; how many it holds in all defaults to those listed. */
  ollama?: Reading<{ models: OllamaModel[]; total?: number; unlistedBytes?: number }> | null;
  system?: SystemReading;
  processes?: ReadonlyMap<number, ProcessReading>;
  /** A scan's result; a bare list of agents stands for a scan that found only those (see echoProcesses). */
  agentProcesses?: Reading<EchoProcesses | readonly AgentProcess[]> | null;
  subscribers?: Reading<ReadonlyMap<string, number>> | null;
}

/** The seed's example moment: a development session with a senior developer and a test lead. */
export function readingsAt(now: number, overrides: ReadingsOverrides = {}): Readings {
  return {
    now,
    postgres: overrides.postgres ?? ok(postgresData()),
    registry:
      overrides.registry === undefined
        ? ok(
            registryData([
              registryAgent('senior_developer', 'deepseek-coder:6.7b'),
              registryAgent('test_lead', 'codellama:13b'),
            ]),
          )
        : overrides.registry,
    ollama:
      overrides.ollama == null || !overrides.ollama.ok
        ? (overrides.ollama ?? null)
        : {
            ...overrides.ollama,
            value: { total: overrides.ollama.value.models.length, unlistedBytes: 0, ...overrides.ollama.value },
          },
    system: overrides.system ?? system(),
    processes: overrides.processes ?? new Map(),
    agentProcesses: agentProcessesReading(overrides.agentProcesses),
    subscribers: overrides.subscribers ?? null,
  };
}

function agentProcessesReading(reading: ReadingsOverrides['agentProcesses']): Reading<EchoProcesses> | null {
  if (reading == null || !reading.ok) return reading ?? null;
  const { value } = reading;
  return { ...reading, value: isAgentList(value) ? echoProcesses(value) : value };
}

const isAgentList = (value: EchoProcesses | readonly AgentProcess[]): value is readonly AgentProcess[] =>
  Array.isArray(value);

export const SETTINGS: PipelineSettings = {
  timeZone: 'UTC',
  registryMode: 'auto',
  alerts: DEFAULT_ALERT_SETTINGS,
  reconcile: DEFAULT_RECONCILE_SETTINGS,
};
