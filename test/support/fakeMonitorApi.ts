import type { ExportOutcome, ExportQuery, MonitorApi } from '../../src/shared/api';
import type { CommandOutcome, CommandRequest } from '../../src/shared/commands';
import type { LocalDate, SessionStats, SessionView, Snapshot } from '../../src/shared/model';
import type { MonitorEvent, ResourceSample } from '../../src/shared/monitorEvent';

/**
 * The MonitorApi contract kept in memory, for the dashboard's own tests: the
 * test pushes snapshots and events as the monitor would, and answers questions
 * from what it was given.
 */
export class FakeMonitorApi implements MonitorApi {
  snapshot: Snapshot | null = null;
  series: ResourceSample[] = [];
  events: MonitorEvent[] = [];
  histories = new Map<LocalDate, SessionView[]>();
  stats: (from: LocalDate, to: LocalDate) => SessionStats = () => {
    throw new Error('no stats in this test');
  };
  readonly calls: string[] = [];
  private readonly snapshotListeners = new Set<(snapshot: Snapshot) => void>();
  private readonly eventListeners = new Set<(event: MonitorEvent) => void>();

  push(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    for (const listener of this.snapshotListeners) listener(snapshot);
  }

  emit(event: MonitorEvent): void {
    this.events.push(event);
    for (const listener of this.eventListeners) listener(event);
  }

  getSnapshot(): Promise<Snapshot | null> {
    this.calls.push('getSnapshot');
    return Promise.resolve(this.snapshot);
  }

  getHistory(date: LocalDate): Promise<SessionView[]> {
    this.calls.push(`getHistory ${date}`);
    return Promise.resolve(this.histories.get(date) ?? []);
  }

  getStats(from: LocalDate, to: LocalDate): Promise<SessionStats> {
    this.calls.push(`getStats ${from} ${to}`);
    try {
      return Promise.resolve(this.stats(from, to));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  getSeries(): Promise<ResourceSample[]> {
    return Promise.resolve([...this.series]);
  }

  getEvents(): Promise<MonitorEvent[]> {
    return Promise.resolve([...this.events]);
  }

  onSnapshot(listener: (snapshot: Snapshot) => void): () => void {
    this.calls.push('onSnapshot');
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }

  onEvent(listener: (event: MonitorEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onFocus(): () => void {
    return () => undefined;
  }

  readonly sentCommands: CommandRequest[] = [];
  /** How the far side answers a command; acknowledged at once unless a test says otherwise. */
  answerCommand: (request: CommandRequest) => Promise<CommandOutcome> = () => Promise.resolve({ ok: true, id: 'x' });

  readonly exports: ExportQuery[] = [];

  exportData(query: ExportQuery): Promise<ExportOutcome> {
    this.exports.push(query);
    return Promise.resolve({ status: 'saved', message: `Wrote 3 ${query.what} to /exports/${query.what}.${query.format}` });
  }

  sendCommand(request: CommandRequest): Promise<CommandOutcome> {
    this.sentCommands.push(request);
    return this.answerCommand(request);
  }

  snooze(until: string): Promise<{ snoozedUntil: string | null }> {
    return Promise.resolve({ snoozedUntil: until });
  }

  resumeNotifications(): Promise<{ snoozedUntil: string | null }> {
    return Promise.resolve({ snoozedUntil: null });
  }
}
