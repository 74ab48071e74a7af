import type { AgentRecord, HourlyCount, LocalDate, SessionRecord, SessionStats } from '../../shared/model';

/** One attempt to read a source: what it gave and what it left out, or why it gave nothing. */
export type Reading<T> =
  | { readonly ok: true; readonly value: T; readonly dropped: readonly string[] }
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
}

export interface RegistryData {
  /** False when the hash is absent: no registry here, or one whose last agent stopped. */
  readonly exists: boolean;
  readonly agents: readonly AgentRecord[];
}

/** A model Ollama holds in memory, from `GET /api/ps`. */
export interface OllamaModel {
  readonly name: string;
  readonly sizeBytes: number;
  readonly vramBytes: number;
  /** Epoch ms; null when Ollama keeps it loaded indefinitely or does not say. */
  readonly expiresAt: number | null;
}

export interface OllamaData {
  readonly models: readonly OllamaModel[];
}

export interface SystemReading {
  readonly totalBytes: number;
  readonly freeBytes: number;
  /** Busy share of all cores since the previous reading; null on the first. */
  readonly cpuPercent: number | null;
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
}
