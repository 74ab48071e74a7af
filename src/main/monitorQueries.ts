import type { CommandOutcome, CommandRequest } from '../shared/commands';
import type { LocalDate, MonitorEvent, ResourceSample, SessionStats, SessionView, Snapshot } from '../shared/model';
import { viewSession } from './core/snapshot';
import type { Monitor } from './monitor';
import type { CommandBus } from './sources/commandBus';
import type { ModelUnloader } from './sources/modelUnloader';
import type { SessionStore } from './sources/sessionStore';

/** Asked for something this setup cannot give, such as a command without a registry. */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
}

/**
 * The MonitorApi's questions and commands, answered from a running monitor.
 * The web host and the desktop app's IPC both serve exactly these.
 */
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

export interface QuerySources {
  readonly monitor: Monitor;
  readonly store: SessionStore;
  readonly commands: CommandBus | null;
  readonly unloader?: ModelUnloader | null;
  readonly clock?: () => number;
}

export function createMonitorQueries({ monitor, store, commands, unloader = null, clock = Date.now }: QuerySources): MonitorQueries {
  const snoozeState = (): { snoozedUntil: string | null } => {
    const until = monitor.snoozedUntil();
    return { snoozedUntil: until === null ? null : new Date(until).toISOString() };
  };
  return {
    getSnapshot: () => monitor.current(),
    async getHistory(date) {
      const { value } = await store.history(date);
      const now = clock();
      return value.map((session) => viewSession(session, now));
    },
    getStats: (from, to) => store.stats(from, to),
    getSeries: () => monitor.series(),
    getEvents: () => monitor.events(),
    async sendCommand(request) {
      if (request.type === 'unload_model') {
        if (unloader === null) throw new Unavailable('unloading a model needs Ollama, which is off (OLLAMA_ENDPOINT=off)');
        const outcome = await unloader.unload(request.model);
        // No event announces an unload: poll now, so every view shows the memory freed.
        if (outcome.ok) void monitor.pollNow().catch(() => undefined);
        return outcome;
      }
      if (commands === null) throw new Unavailable('commands need the Redis registry, which is not configured');
      return commands.send(request);
    },
    snooze(until) {
      monitor.snooze(Date.parse(until));
      return snoozeState();
    },
    resumeNotifications() {
      monitor.resumeNotifications();
      return snoozeState();
    },
  };
}
