import type { MonitorApi } from '../../src/shared/api';
import type { ExportOutcome, ExportQuery } from '../../src/shared/apiSchemas';
import type { CommandOutcome, CommandRequest } from '../../src/shared/commands';
import { OPERATION_NAMES, type OperationName } from '../../src/shared/ipcChannels';
import type { LocalDate, SessionStats, SessionView, Snapshot } from '../../src/shared/model';
import type { MonitorEvent, ResourceSample } from '../../src/shared/monitorEvent';
import type { OperationMethods } from '../../src/shared/operations';

/**
 * A class with every operation of the table, each refusing with its name: an
 * operation added to the table is on the fake at once, and a test that reaches
 * one nobody scripted says which. The fake below scripts the ones the
 * dashboard's tests use.
 */
function everyOperation(): new () => OperationMethods & { readonly unscripted: OperationName[] } {
  class Unscripted {
    /** The operations asked that no test scripted, in the order they were asked. */
    readonly unscripted: OperationName[] = [];
  }
  for (const name of OPERATION_NAMES) {
    const refuse = function (this: Unscripted): Promise<never> {
      this.unscripted.push(name);
      return Promise.reject(new Error(`the fake monitor has no answer for ${name}`));
    };
    Object.defineProperty(Unscripted.prototype, name, { value: refuse, writable: true, configurable: true });
  }
  // The loop above put every operation on the prototype, which the class's own type cannot say.
  return Unscripted as new () => OperationMethods & Unscripted;
}

/**
 * The MonitorApi contract kept in memory, for the dashboard's own tests: the
 * test pushes snapshots and events as the monitor would, and answers questions
 * from what it was given.
 */
export class FakeMonitorApi extends everyOperation() implements MonitorApi {
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

  // The scripted operations are properties, as the table's methods are, so they take the place of the refusals.
  override getSnapshot = (): Promise<Snapshot | null> => {
    this.calls.push('getSnapshot');
    return Promise.resolve(this.snapshot);
  };

  override getHistory = (date: LocalDate): Promise<SessionView[]> => {
    this.calls.push(`getHistory ${date}`);
    return Promise.resolve(this.histories.get(date) ?? []);
  };

  override getStats = (from: LocalDate, to: LocalDate): Promise<SessionStats> => {
    this.calls.push(`getStats ${from} ${to}`);
    try {
      return Promise.resolve(this.stats(from, to));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  override getSeries = (): Promise<ResourceSample[]> => {
    return Promise.resolve([...this.series]);
  };

  override getEvents = (): Promise<MonitorEvent[]> => {
    return Promise.resolve([...this.events]);
  };

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

  override exportData = (query: ExportQuery): Promise<ExportOutcome> => {
    this.exports.push(query);
    return Promise.resolve({
      status: 'saved',
      message: `Wrote 3 ${query.what} to /exports/${query.what}.${query.format}`,
    });
  };

  override sendCommand = (request: CommandRequest): Promise<CommandOutcome> => {
    this.sentCommands.push(request);
    return this.answerCommand(request);
  };

  override snooze = (until: string): Promise<{ snoozedUntil: string | null }> => {
    return Promise.resolve({ snoozedUntil: until });
  };

  override resumeNotifications = (): Promise<{ snoozedUntil: string | null }> => {
    return Promise.resolve({ snoozedUntil: null });
  };
}
