import type { LocalDate } from '../../shared/model';
import { errorText } from '../../shared/errorText';
import { localDateOf } from '../../shared/zonedDay';
import { zoneOf, type TimeZoneSource } from '../core/localTime';
import type { EchoProcesses, ProcessReading, Readings, Reading, RegistryData } from '../core/readings';
import type { OllamaClient } from './ollama/ollamaClient';
import type { DayPictureSource } from './postgres/postgresReader';
import { probeProcesses } from './processes/processProbe';
import type { RedisRegistry } from './redis/redisRegistry';
import { attempt, type Screened } from './screening';
import { subscriberCounts, type SubscriberCountCommands } from './redis/subscriberCounts';
import { ECHO_ROLES } from '../core/echoRoster';
import type { SystemProbe } from './machine/systemProbe';

/** Finds ECHO's agents and delegators among this machine's processes and measures them. */
export interface AgentProcessSource {
  scan(): Promise<Screened<EchoProcesses>>;
}

export interface SourceSet {
  readonly postgres: DayPictureSource;
  /** Null when agents come from sessions alone. */
  readonly registry: RedisRegistry | null;
  /** ECHO's Redis, asked how many subscribe to each role's channel; null where Redis is not asked. */
  readonly subscribers?: SubscriberCountCommands | null;
  /** Null when no Ollama endpoint is configured. */
  readonly ollama: OllamaClient | null;
  readonly system: SystemProbe;
  /** Null when the agents' processes are not looked for. */
  readonly agentProcesses: AgentProcessSource | null;
  readonly timeZone: TimeZoneSource;
  /** A registry pid is this machine's when its host is unset or this name. */
  readonly hostName: string;
  /** The shortest CPU sampling window worth reporting. */
  readonly cpuWindowMs?: number;
  /** The longest one source may take, all its queries included. */
  readonly deadlineMs: number;
}

async function processesOf(
  registry: Reading<RegistryData> | null,
  hostName: string,
): Promise<ReadonlyMap<number, ProcessReading>> {
  if (!registry?.ok) return new Map();
  const local = registry.value.agents.filter(
    (agent) => agent.pid !== null && (agent.host === null || agent.host === hostName),
  );
  return probeProcesses(local.map((agent) => agent.pid ?? 0));
}

/** Reads every source at once; a failing source becomes a reading that says why. */
export async function readSources(sources: SourceSet, now: number, historyDate?: LocalDate): Promise<Readings> {
  const today = localDateOf(now, zoneOf(sources.timeZone));
  const registryRead = sources.registry;
  const ollamaRead = sources.ollama;
  const { deadlineMs } = sources;
  const registryReading = registryRead
    ? attempt(() => registryRead.readAgents(), errorText, deadlineMs)
    : Promise.resolve(null);
  const scanner = sources.agentProcesses;
  const counting = sources.subscribers ?? null;
  const [postgres, registry, ollama, system, processes, agentProcesses, subscribers] = await Promise.all([
    attempt(() => sources.postgres.read({ now, today, historyDate: historyDate ?? today }), errorText, deadlineMs),
    registryReading,
    ollamaRead ? attempt(() => ollamaRead.residentModels(), errorText, deadlineMs) : null,
    sources.system.sample(sources.cpuWindowMs),
    registryReading.then((reading) => processesOf(reading, sources.hostName)),
    scanner ? attempt(() => scanner.scan(), errorText, deadlineMs) : null,
    counting
      ? attempt(
          async () => ({ value: await subscriberCounts(counting, ECHO_ROLES), dropped: [] }),
          errorText,
          deadlineMs,
        )
      : null,
  ]);
  // A laptop's discrete GPU sleeps while no model is on it: the next poll reads it only while Ollama puts one there.
  sources.system.setGpuInUse(
    ollama?.ok ? ollama.value.models.some((model) => model.vramBytes > 0) || ollama.value.unlistedBytes > 0 : null,
  );
  return { now, postgres, registry, ollama, system, processes, agentProcesses, subscribers };
}
