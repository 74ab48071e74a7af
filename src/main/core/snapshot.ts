import { AGENT_LIST_LIMIT, type AgentView, type LocalDate, type ResidentModel, type SessionRecord, type SessionView, type Snapshot } from '../../shared/model';
import { forecastAdmissions, knownFreeGb, knownFreeVramGb } from './admissionForecast';
import type { RegistryMode } from './agentChoice';
import { heartbeatAgeSeconds, sightAgents, type SightedAgent } from './agentSightings';
import { cpuLoadOf } from './cpu';
import type { MemoryOverrides } from './memoryEstimate';
import {
  allAgentsMemoryGb,
  indexModels,
  memoryTotals,
  readAgentMemory,
  residentModels,
  savingsPct,
  toGb,
} from './memoryModel';
import type { AgentProcess, OllamaData, OllamaModel, PostgresData, ProcessReading, Reading, RegistryData, SystemReading } from './readings';
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
  readonly agentProcesses: Reading<readonly AgentProcess[]> | null;
  /** ECHO counts an agent down after this long without a heartbeat. */
  readonly heartbeatTimeoutSeconds: number;
  readonly memoryOverrides?: MemoryOverrides;
  /** Ollama's measured size per model, remembered across polls, for the admission forecast. */
  readonly modelSizesGb?: ReadonlyMap<string, number>;
}

function secondsBetween(from: string, to: number): number {
  return Math.max(0, Math.floor((to - Date.parse(from)) / 1000));
}

export function viewSession(session: SessionRecord, now: number): SessionView {
  const end = session.endedAt === null ? now : Date.parse(session.endedAt);
  return { ...session, durationSeconds: secondsBetween(session.startedAt, end) };
}

/** One agent as the views show it: its sightings, its memory three ways, its process and its heartbeat. */
function viewAgent(sighted: SightedAgent, resident: ReadonlyMap<string, OllamaModel> | null, input: SnapshotInput): AgentView {
  const { record, process, heartbeat } = sighted;
  const probe: ProcessReading | undefined = process ? { alive: true, rssBytes: process.rssBytes } : record.pid === null ? undefined : input.processes.get(record.pid);
  const reading = readAgentMemory(record, resident, probe, input.memoryOverrides);
  const startedAt = process?.startedAt ?? (record.spawnedAt === null ? null : Date.parse(record.spawnedAt));
  return {
    ...record,
    ...reading,
    memoryGb: reading.memory.ollamaGb ?? reading.memory.estimatedGb,
    cpuPercent: process?.cpuPercent ?? null,
    uptimeSeconds: startedAt === null ? null : Math.max(0, Math.floor((input.now - startedAt) / 1000)),
    heartbeat: heartbeat && {
      status: heartbeat.status,
      ageSeconds: heartbeatAgeSeconds(heartbeat, input.now),
      node: heartbeat.node,
      version: heartbeat.version,
    },
  };
}

/** The agents' processes together, where any was measured. */
function agentsCpuPercent(agents: readonly AgentView[] | null): number | null {
  const measured = (agents ?? []).flatMap((agent) => (agent.cpuPercent === null ? [] : [agent.cpuPercent]));
  return measured.length === 0 ? null : Math.round(measured.reduce((sum, percent) => sum + percent, 0) * 10) / 10;
}

/** The snapshot without what needs memory of earlier polls: warnings and alerts. */
export function buildSnapshotBase(input: SnapshotInput): Omit<SnapshotBase, 'warnings'> {
  const { now, system } = input;
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
    processes: input.agentProcesses?.ok ? input.agentProcesses.value : null,
    heartbeatTimeoutSeconds: input.heartbeatTimeoutSeconds,
  });
  const resident = ollama ? indexModels(ollama.value.models) : null;
  const agents: AgentView[] | null = choice.agents?.map((sighted) => viewAgent(sighted, resident, input)) ?? null;
  const records = choice.agents?.map((sighted) => sighted.record) ?? [];
  const unified = system.unifiedMemory === true;
  const totals = agents && memoryTotals(agents, unified);
  const allAgentsGb = allAgentsMemoryGb(input.memoryOverrides);
  const machineRamGb = toGb(system.totalBytes);
  const models: ResidentModel[] | null = ollama && residentModels(ollama.value.models, records, now, unified);
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
      memoryGb: totals?.totalGb ?? null,
      ramGb: totals?.ramGb ?? null,
      vramGb: totals?.vramGb ?? null,
      memorySource: totals?.source ?? null,
      estimatedMemoryGb: totals?.estimatedGb ?? null,
      measuredMemoryGb: totals && totals.source !== 'estimated' ? totals.measuredGb : null,
      allAgentsMemoryGb: allAgentsGb,
      savingsPct: totals && savingsPct(totals.estimatedGb, allAgentsGb),
      machineRamGb,
      freeRamGb: knownFreeGb(system),
      memoryPctOfRam: totals && machineRamGb > 0 ? Math.round((totals.ramGb / machineRamGb) * 1000) / 10 : null,
      memoryPressure: system.pressure ?? null,
      unifiedMemory: unified,
      gpuTotalGb: system.gpu && !unified ? toGb(system.gpu.totalBytes) : null,
      gpuUsedGb: system.gpu && !unified ? toGb(system.gpu.usedBytes) : null,
      residentModelsGb: models && ollama && Math.round((models.reduce((sum, model) => sum + model.sizeGb, 0) + toGb(ollama.value.unlistedBytes)) * 10) / 10,
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
      freeGb: knownFreeGb(system),
      freeVramGb: knownFreeVramGb(system),
      measuredGb: input.modelSizesGb,
      overrides: input.memoryOverrides,
    }),
    history: postgres?.value.history.map((session) => viewSession(session, now)) ?? null,
    stats: postgres?.value.stats ?? null,
    timeline: postgres ? [...postgres.value.timeline] : null,
  };
}
