import type { CommandOutcome, CommandRequest } from '../../shared/commands';
import type { LocalDate, SessionStats, SessionView, Snapshot } from '../../shared/model';
import type { MonitorEvent, ResourceSample } from '../../shared/monitorEvent';
import type { MonitorConfig } from '../config';
import type { NotificationIntent } from '../core/alerts/engine';
import type { ExportSources } from '../export/exportChunks';
import type { CommandBus } from '../sources/redis/commandBus';
import type { ModelUnloader } from '../sources/ollama/modelUnloader';
import type { StopAgentResult, StopTarget } from '../sources/processes/stopAgentProcess';
import type { SessionStore } from '../sources/postgres/sessionStore';
import type { Monitor } from './monitor';

/** What a host asks of a running monitor: the MonitorApi's questions and commands, served alike over HTTP and IPC. */
export interface MonitorQueries {
  getSnapshot(): Snapshot | null;
  getHistory(date: LocalDate): Promise<SessionView[]>;
  getStats(from: LocalDate, to: LocalDate): Promise<SessionStats>;
  getSeries(): readonly ResourceSample[];
  getEvents(): readonly MonitorEvent[];
  sendCommand(request: CommandRequest): Promise<CommandOutcome>;
  snooze(until: string): { snoozedUntil: string | null };
  resumeNotifications(): { snoozedUntil: string | null };
}

/**
 * The one object every host takes: the running monitor, its queries and commands, its exports, and what stops it all.
 */
export interface MonitorService extends MonitorQueries {
  readonly monitor: Monitor;
  /** What it reads: the configured ECHO's, or the demo's. */
  readonly config: MonitorConfig;
  /** What an export reads, from a pool of its own; null where the host offers no exports. */
  readonly exports: ExportSources | null;
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  onEvent(listener: (event: MonitorEvent) => void): () => void;
  onNotification(listener: (intent: NotificationIntent) => void): () => void;
  /** When notifications resume, as an instant, or null when they are not snoozed. */
  snoozedUntil(): number | null;
  /** Stops polling, finishes writing, and closes every connection (and the demo). */
  close(): Promise<void>;
}

/** The parts a service is made of; tests assemble one from parts of their own. */
export interface ServiceParts {
  readonly monitor: Monitor;
  readonly config: MonitorConfig;
  /** For questions beyond the live snapshot: another day's history, a range's figures. */
  readonly store: SessionStore;
  /** Null without a registry: commands travel through Redis. */
  readonly commands: CommandBus | null;
  /** Null when Ollama is off: models are unloaded through it. */
  readonly unloader: ModelUnloader | null;
  readonly exports: ExportSources | null;
  /**
   * Ends an agent's own process on this machine (after checking the pid still runs that agent); null where processes
   * are not looked at.
   */
  readonly stopProcess?: ((target: StopTarget) => Promise<StopAgentResult>) | null;
  readonly clock?: () => number;
  close(): Promise<void>;
}
