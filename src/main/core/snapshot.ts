import {
  AGENT_LIST_LIMIT,
  type AgentView,
  type EchoMachine,
  type EchoProcessView,
  type LocalDate,
  type ResidentModel,
  type SessionRecord,
  type SessionView,
  type Snapshot,
} from '../../shared/model';
import { forecastAdmissions, knownFreeBytes, knownFreeVramBytes } from './admissionForecast';
import { forecastResidents } from './modelUnloads';
import { DEFAULT_OLLAMA_SCHEDULER, modelLimitOf, type OllamaScheduler } from './ollamaScheduler';
import type { RegistryMode } from './agentChoice';
import { heartbeatAgeSeconds, sightAgents, type SightedAgent } from './agentSightings';
import { cpuLoadOf } from './cpu';
import { viewEchoWork } from './echoWorkView';
import type { MemoryOverrides } from './memoryEstimate';
import {
  allAgentsMemoryBytes,
  indexModels,
  memoryTotals,
  modelMemoryNowBytes,
  readAgentMemory,
  residentModels,
  residentModelsBytes,
  savingsPct,
} from './memoryModel';
import type {
  AgentProcess,
  EchoProcesses,
  OllamaData,
  OllamaModel,
  PostgresData,
  ProcessReading,
  Reading,
  RegistryData,
  SystemReading,
} from './readings';
import { healthOf, shownValue, type SourceTrack } from './sourceHealth';

/** A snapshot before the alert engine has looked at it: what rules, freshness and diffs read. */
export type SnapshotBase = Omit<Snapshot, 'alerts'>;

export interface SnapshotInput {
  readonly now: number;
  readonly timeZone: string;
  readonly today: LocalDate;
  readonly postgres: SourceTrack<PostgresData>;
  readonly registry: SourceTrack<RegistryData>;
  readonly ollama: SourceTrack<OllamaData>;
  readonly registryMode: RegistryMode;
  readonly registrySeen: boolean;
  readonly system: SystemReading;
  readonly processes: ReadonlyMap<number, ProcessReading>;
  readonly agentProcesses: Reading<EchoProcesses> | null;
  /** Roles this monitor stopped, with when (see SightingsInput.stopped). */
  readonly stopped?: ReadonlyMap<string, number>;
  /** Subscribers to each role's channel, read this poll; null where not asked or Redis failed. */
  readonly subscribers?: ReadonlyMap<string, number> | null;
  /** ECHO counts an agent down after this long without a heartbeat. */
  readonly heartbeatTimeoutSeconds: number;
  readonly memoryOverrides?: MemoryOverrides;
  /** Ollama's scheduler settings, where the monitor's environment carries them. */
  readonly ollamaScheduler?: OllamaScheduler;
  /** Ollama's measured size per model, remembered across polls, for the admission forecast. */
  readonly modelSizesBytes?: ReadonlyMap<string, number>;
}

function secondsBetween(from: string, to: number): number {
  return Math.max(0, Math.floor((to - Date.parse(from)) / 1000));
}

export function viewSession(session: SessionRecord, now: number): SessionView {
  const end = session.endedAt === null ? now : Date.parse(session.endedAt);
  return { ...session, durationSeconds: secondsBetween(session.startedAt, end) };
}

const secondsSince = (instant: number | null, now: number): number | null =>
  instant === null ? null : Math.max(0, Math.floor((now - instant) / 1000));

/** One of ECHO's processes as the views show it. */
export function viewEchoProcess(process: AgentProcess, now: number): EchoProcessView {
  return {
    pid: process.pid,
    role: process.role,
    root: process.root,
    form: process.form,
    processBytes: process.rssBytes,
    cpuPercent: process.cpuPercent,
    uptimeSeconds: secondsSince(process.startedAt, now),
    parentPid: process.parent?.pid ?? null,
    parentName: process.parent?.name ?? null,
    launchedBy: process.launchedBy,
    orphaned: process.orphaned,
    otherUser: process.otherUser,
  };
}

/** Resident memory of every copy, where any was measured. */
function copiesRssBytes(processes: readonly AgentProcess[]): number | null {
  const measured = processes.flatMap((process) => (process.rssBytes === null ? [] : [process.rssBytes]));
  return measured.length === 0 ? null : measured.reduce((sum, bytes) => sum + bytes, 0);
}

/** One agent as the views show it: its sightings, its memory, its processes and its heartbeat. */
function viewAgent(
  sighted: SightedAgent,
  resident: ReadonlyMap<string, OllamaModel> | null,
  input: SnapshotInput,
): AgentView {
  const { record, process, processes, heartbeat } = sighted;
  const probe: ProcessReading | undefined =
    processes.length > 0
      ? { alive: true, rssBytes: copiesRssBytes(processes) }
      : record.pid === null
        ? undefined
        : input.processes.get(record.pid);
  const reading = readAgentMemory(record, resident, probe, input.memoryOverrides);
  const startedAt = process?.startedAt ?? (record.spawnedAt === null ? null : Date.parse(record.spawnedAt));
  return {
    ...record,
    ...reading,
    memoryBytes: modelMemoryNowBytes(reading.memory),
    cpuPercent: process?.cpuPercent ?? null,
    uptimeSeconds: secondsSince(startedAt, input.now),
    heartbeat: heartbeat && {
      status: heartbeat.status,
      ageSeconds: heartbeatAgeSeconds(heartbeat, input.now),
      node: heartbeat.node,
      version: heartbeat.version,
    },
    copies: processes.map((copy) => viewEchoProcess(copy, input.now)),
    subscribers: sighted.subscribers,
  };
}

/** The delegators and roots the scan found, where it could look. */
function echoMachine(scan: Reading<EchoProcesses> | null, now: number): EchoMachine | null {
  if (!scan?.ok) return null;
  const { roots, configuredRoot, delegators, otherRoots, otherUsers } = scan.value;
  return {
    roots: [...roots],
    configuredRoot,
    delegators: delegators.map((process) => viewEchoProcess(process, now)),
    otherRoots,
    otherUsers,
  };
}

/** A day with no session while agents run is no day's rest: ECHO at its current commit records none. */
const SESSIONS_RECORDED_WITHIN_MS = 24 * 3600 * 1000;

/** Whether sessions are recorded here (see Snapshot.sessionsRecorded). */
export function sessionsRecordedOf(
  postgres: PostgresData | null,
  agentsRunning: number | null,
  now: number,
): boolean | null {
  if (postgres === null) return null;
  if (postgres.activeSessions.length > 0) return true;
  if (postgres.newestSessionAt !== null && now - postgres.newestSessionAt < SESSIONS_RECORDED_WITHIN_MS) return true;
  return agentsRunning !== null && agentsRunning > 0 ? false : null;
}

/** The agents' processes together, where any was measured. */
function agentsCpuPercent(agents: readonly AgentView[] | null): number | null {
  const measured = (agents ?? []).flatMap((agent) => (agent.cpuPercent === null ? [] : [agent.cpuPercent]));
  return measured.length === 0 ? null : Math.round(measured.reduce((sum, percent) => sum + percent, 0) * 10) / 10;
}

/** The snapshot without what needs memory of earlier polls: warnings and alerts. */
export function buildSnapshotBase(input: SnapshotInput): Omit<SnapshotBase, 'warnings'> {
  const { now, system } = input;
  const scheduler = input.ollamaScheduler ?? DEFAULT_OLLAMA_SCHEDULER;
  const postgres = shownValue(input.postgres);
  const ollama = shownValue(input.ollama);
  const sessions = postgres && { ...postgres, value: postgres.value.activeSessions };
  const choice = sightAgents({
    now,
    mode: input.registryMode,
    registry: shownValue(input.registry),
    registrySeen: input.registrySeen,
    sessions,
    heartbeats: postgres && { ...postgres, value: postgres.value.heartbeats },
    processes: input.agentProcesses?.ok ? input.agentProcesses.value.agents : null,
    stopped: input.stopped,
    subscribers: input.subscribers ?? null,
    heartbeatTimeoutSeconds: input.heartbeatTimeoutSeconds,
  });
  // Only what Ollama says this poll tells whether a model is loaded: a stale list may hold one unloaded since.
  const resident = ollama && !ollama.stale ? indexModels(ollama.value.models) : null;
  const agents: AgentView[] | null = choice.agents?.map((sighted) => viewAgent(sighted, resident, input)) ?? null;
  const records = choice.agents?.map((sighted) => sighted.record) ?? [];
  const unified = system.unifiedMemory === true;
  const totals = agents && memoryTotals(agents, unified);
  const allAgentsBytes = allAgentsMemoryBytes(input.memoryOverrides);
  const machineRamBytes = system.totalBytes;
  const models: ResidentModel[] | null =
    ollama && residentModels(ollama.value.models, records, now, unified, input.memoryOverrides);
  const sources = {
    postgres: healthOf(input.postgres, now),
    registry: healthOf(input.registry, now),
    ollama: healthOf(input.ollama, now),
  };
  return {
    takenAt: new Date(now).toISOString(),
    timeZone: input.timeZone,
    today: input.today,
    historyDate: postgres?.value.historyDate ?? input.today,
    sources,
    summary: {
      activeAgents: agents?.length ?? null,
      activeSessions: postgres?.value.activeTotal ?? null,
      sessionsToday: postgres?.value.sessionsToday ?? null,
      memoryBytes: totals?.totalBytes ?? null,
      ramBytes: totals?.ramBytes ?? null,
      vramBytes: totals?.vramBytes ?? null,
      memorySource: totals?.source ?? null,
      estimatedMemoryBytes: totals?.estimatedBytes ?? null,
      measuredMemoryBytes: totals && totals.source !== 'estimated' ? totals.measuredBytes : null,
      measuredRamBytes: totals?.measuredRamBytes ?? null,
      allAgentsMemoryBytes: allAgentsBytes,
      savingsPct: totals && savingsPct(totals.estimatedBytes, allAgentsBytes, agents.length),
      machineRamBytes,
      freeRamBytes: knownFreeBytes(system),
      memoryPctOfRam:
        totals?.measuredRamBytes != null && machineRamBytes > 0
          ? Math.round((totals.measuredRamBytes / machineRamBytes) * 1000) / 10
          : null,
      memoryPressure: system.pressure ?? null,
      swapUsedBytes: system.swapUsedBytes ?? null,
      unifiedMemory: unified,
      unifiedMemoryHint: !unified && system.unifiedMemoryHint === true,
      simulatedMachine: system.simulatedMachine ?? null,
      gpuTotalBytes: system.gpu && !unified ? system.gpu.totalBytes : null,
      gpuUsedBytes: system.gpu && !unified ? system.gpu.usedBytes : null,
      residentModelsBytes: ollama && residentModelsBytes(ollama.value),
      cpuPercent: system.cpuPercent,
      cpuLoad: system.cpuPercent === null ? null : cpuLoadOf(system.cpuPercent),
      agentsCpuPercent: agentsCpuPercent(agents),
      agentsFrom: choice.from && [...choice.from],
    },
    activeSessions: postgres?.value.activeSessions.map((session) => viewSession(session, now)) ?? null,
    agents: agents && agents.slice(0, AGENT_LIST_LIMIT),
    residentModels: models,
    residentModelsTotal: ollama?.value.total ?? null,
    forecast: forecastAdmissions({
      loadedModels: ollama?.value.models.map((model) => model.name) ?? [],
      // With Ollama failing, what it holds now is unknown: the need is only an upper bound.
      loadedKnown: sources.ollama.state === 'ok' || sources.ollama.state === 'no-data',
      agents: agents ?? [],
      freeBytes: knownFreeBytes(system),
      freeVramBytes: knownFreeVramBytes(system),
      measuredBytes: input.modelSizesBytes,
      overrides: input.memoryOverrides,
      residents: forecastResidents(models ?? [], postgres?.value.work?.agents ?? null, now, scheduler.keepAliveMs),
      modelLimit: modelLimitOf(scheduler, knownFreeVramBytes(system) === null ? 0 : (system.gpu?.count ?? 1)),
      pressure: system.pressure ?? null,
    }),
    history: postgres?.value.history.map((session) => viewSession(session, now)) ?? null,
    stats: postgres?.value.stats ?? null,
    timeline: postgres ? [...postgres.value.timeline] : null,
    echo: echoMachine(input.agentProcesses, now),
    sessionsRecorded: sessionsRecordedOf(postgres?.value ?? null, agents?.length ?? null, now),
    work: postgres?.value.work ? viewEchoWork(postgres.value.work, now) : null,
  };
}
