import type { EchoWorkData } from './echoWork';
import type { LaunchForm } from './echoProcess';
import type {
  AgentRecord,
  HourlyCount,
  LocalDate,
  ReceiverHealth,
  SessionRecord,
  SessionStats,
} from '../../shared/model';

/** One attempt to read a source: what it gave and what it left out, or why it gave nothing. */
export type Reading<T> =
  | {
      readonly ok: true;
      readonly value: T;
      /** Why each entry left out was: one reason per entry, naming it, so one read again is known again. */
      readonly dropped: readonly string[];
      /** Entries left out beyond those listed, when too many arrived at once to keep a reason for each. */
      readonly droppedUnlisted?: number;
    }
  | { readonly ok: false; readonly error: string };

export interface PostgresData {
  /** The local day `history` and `stats` describe. */
  readonly historyDate: LocalDate;
  readonly activeSessions: readonly SessionRecord[];
  /** Every readable active row, including any beyond the listing limit. */
  readonly activeTotal: number;
  readonly history: readonly SessionRecord[];
  readonly stats: SessionStats;
  readonly sessionsToday: number;
  readonly timeline: readonly HourlyCount[];
  /**
   * Epoch ms: the newest session's start (UTC, as ECHO stores it); null when
   * the table holds none. An ECHO that does not record sessions leaves it null.
   */
  readonly newestSessionAt: number | null;
  /** ECHO's agent_status, read on every poll. */
  readonly heartbeats: HeartbeatData;
  /**
   * ECHO's own records of its work (messages, decisions, LLM sessions, executions); null where they could not be read.
   */
  readonly work: EchoWorkData | null;
}

/** What one statement over `delegator_sessions` gives a poll; the heartbeats and the work are read beside it. */
export type DayPicture = Omit<PostgresData, 'heartbeats' | 'work'>;

/** One row of ECHO's `agent_status`: an agent's last heartbeat, which it upserts every 5 s. */
export interface HeartbeatRecord {
  readonly role: string;
  /** `running`, `stopped` or `error` as ECHO writes it; other values pass through. */
  readonly status: string;
  /** Epoch ms (ECHO stores UTC in whole seconds). */
  readonly lastHeartbeatAt: number;
  /** The Erlang node that sent it (`metadata.node`), such as `nonode@nohost` or `ceo@gpu-box`. */
  readonly node: string | null;
  readonly version: string | null;
}

export interface HeartbeatData {
  /** False when `agent_status` does not exist (an older ECHO): the source is not present, which is no error. */
  readonly present: boolean;
  readonly rows: readonly HeartbeatRecord[];
}

/**
 * One of ECHO's Erlang VMs on this machine (an agent's or its delegator's), found by its executable and script, and
 * measured.
 */
export interface AgentProcess {
  readonly pid: number;
  readonly role: string;
  /** From `<ROLE>_MODEL` in the process's environment, where the platform lets it be read. */
  readonly model: string | null;
  readonly rssBytes: number | null;
  /** Share of one core between two measurements (100 = one core busy); null before the second. */
  readonly cpuPercent: number | null;
  /** Epoch ms: the process's real start, so its uptime is true. */
  readonly startedAt: number | null;
  /** The ECHO checkout it runs from; null where a relative path could not be resolved. */
  readonly root: string | null;
  readonly form: LaunchForm;
  /** Its owner; null where the platform has no user ids (Windows). */
  readonly uid: number | null;
  /** Owned by another user than the monitor's: shown, never signalled. */
  readonly otherUser: boolean;
  readonly parent: ParentProcess | null;
  /** What started it, where its parent chain still reaches it: a delegator or Claude Desktop. */
  readonly launchedBy: 'delegator' | 'claude-desktop' | null;
  /** Its parent exited and it was handed to init (or the session's subreaper): it runs on with nobody to stop it. */
  readonly orphaned: boolean;
}

export interface ParentProcess {
  readonly pid: number;
  /** Its executable's name (`timeout`, `bash`, `beam.smp`); null where unknown. */
  readonly name: string | null;
}

/** What the scan found of ECHO on this machine. */
export interface EchoProcesses {
  /** The agents of the root watched (every root's, when none is configured), every copy of each role. */
  readonly agents: readonly AgentProcess[];
  /** The delegators running from those roots. */
  readonly delegators: readonly AgentProcess[];
  /** Every ECHO root with an agent or delegator of this user's on this machine, watched or not. */
  readonly roots: readonly string[];
  /** The root configured (MONITOR_AGENT_PROCESSES=<root>); null when none is. */
  readonly configuredRoot: string | null;
  /** Agents and delegators left out: another root's, while one is configured. */
  readonly otherRoots: number;
  /** Agents and delegators left out: other users', while no root is configured. */
  readonly otherUsers: number;
  /** When the listing these come from started (ms); a process started since is not in it. Absent where not told. */
  readonly listedAt?: number | null;
}

export interface RegistryData {
  /** False when the hash is absent: no registry here, or one whose last agent stopped. */
  readonly exists: boolean;
  readonly agents: readonly AgentRecord[];
}

/** A model Ollama holds in memory, from `GET /api/ps`. */
export interface OllamaModel {
  readonly name: string;
  /**
   * What Ollama reports the model takes (its scheduler's estimate when it
   * loaded the model, not a measurement). Null when the answer gave no size or
   * a size of 0, as Ollama-compatible servers do: the model is loaded, but
   * what it takes is unknown, never 0.
   */
  readonly sizeBytes: number | null;
  /** The part of it in GPU memory; 0 where `size_vram` is left out (Ollama 0.1.38–0.1.41 omitted it when it was 0). */
  readonly vramBytes: number;
  /** Epoch ms; null when Ollama keeps it loaded indefinitely or does not say. */
  readonly expiresAt: number | null;
}

export interface OllamaData {
  /** The biggest of the models Ollama holds, at most a few hundred. */
  readonly models: readonly OllamaModel[];
  /** How many it holds, listed or not. */
  readonly total: number;
  /** What the models left unlisted hold, so the totals count them too. */
  readonly unlistedBytes: number;
}

/** macOS's own judgement of memory (`kern.memorystatus_vm_pressure_level`). */
export type MemoryPressure = 'normal' | 'warn' | 'critical';

/** The GPUs' dedicated memory, summed over the cards. */
export interface GpuMemory {
  readonly totalBytes: number;
  readonly usedBytes: number;
  /** How many GPUs the figures sum (Ollama keeps 3 models loaded per GPU); 1 where a reader does not say. */
  readonly count?: number;
}

export interface SystemReading {
  readonly totalBytes: number;
  /**
   * Memory that can be had now without swapping more: Linux's MemAvailable and
   * Windows' ullAvailPhys (`os.freemem()`), macOS's free pages and cached files
   * (file-backed and purgeable pages, as Activity Monitor counts them). Null
   * when the platform could not say (libuv's 0).
   */
  readonly freeBytes: number | null;
  /** Busy share of all cores since the previous reading; null on the first. */
  readonly cpuPercent: number | null;
  /** macOS's memory pressure; null (or absent) where the platform has none or it could not be read. */
  readonly pressure?: MemoryPressure | null;
  /** A limit below the machine's RAM on this process (a container's cgroup); null when there is none. */
  readonly constrainedBytes?: number | null;
  /** Dedicated GPU memory where it can be read cheaply (NVIDIA's nvidia-smi); null where it cannot. */
  readonly gpu?: GpuMemory | null;
  /** Whether GPU memory is this RAM (Apple Silicon, NVIDIA's GB10 and Jetson, or an integrated GPU by setting). */
  readonly unifiedMemory?: boolean;
  /**
   * Swap in use (macOS's `vm.swapusage`, Linux's `/proc/meminfo`), in bytes: memory past `freeBytes`
   * comes only by compressing or swapping more. Null (or absent) where it is
   * not read or could not be.
   */
  readonly swapUsedBytes?: number | null;
  /**
   * The GPU may well share this RAM though it could not be told for sure (an
   * AMD APU's small VRAM window beside a large GTT pool, or NVIDIA GPUs that
   * report no memory on x86): `MONITOR_UNIFIED_MEMORY=on` may apply. Never
   * true where unified memory is set or detected.
   */
  readonly unifiedMemoryHint?: boolean;
  /**
   * Set where these figures are a simulated machine's (the demo's), in words for a person: `simulated machine: 64 GB
   * RAM, 12 GB GPU`.
   */
  readonly simulatedMachine?: string;
}

/** What this machine says of a pid the registry gave. */
export interface ProcessReading {
  readonly alive: boolean;
  readonly rssBytes: number | null;
}

export interface Readings {
  readonly now: number;
  readonly postgres: Reading<PostgresData>;
  /** Null when the registry is not used (`REGISTRY_MODE=sessions`). */
  readonly registry: Reading<RegistryData> | null;
  /** Null when no Ollama endpoint is configured. */
  readonly ollama: Reading<OllamaData> | null;
  readonly system: SystemReading;
  readonly processes: ReadonlyMap<number, ProcessReading>;
  /** ECHO's agent processes on this machine; null when they are not looked for. */
  readonly agentProcesses: Reading<EchoProcesses> | null;
  /** Roles this monitor stopped, with when (see SightingsInput.stopped). */
  readonly stopped?: ReadonlyMap<string, number>;
  /** Subscribers to each of ECHO's `messages:<role>` channels; null where ECHO's Redis is not asked. */
  readonly subscribers?: Reading<ReadonlyMap<string, number>> | null;
  /**
   * The alert receivers' health as their sender holds it now; null (or absent) where none is configured or nothing
   * sends.
   */
  readonly receivers?: readonly ReceiverHealth[] | null;
}
