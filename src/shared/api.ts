import { z } from 'zod';
import type { CommandOutcome, CommandRequest } from './commands';
import type { FocusTarget } from './focus';
import { localDateSchema, type LocalDate, type SessionStats, type SessionView, type Snapshot } from './model';
import type { MonitorEvent, ResourceSample } from './monitorEvent';

/**
 * Everything the dashboard may ask of the monitor. The Electron preload and the
 * browser's HTTP client both implement it; the renderer knows nothing else.
 */
export interface MonitorApi {
  getSnapshot(): Promise<Snapshot | null>;
  getHistory(date: LocalDate): Promise<SessionView[]>;
  getStats(from: LocalDate, to: LocalDate): Promise<SessionStats>;
  getSeries(): Promise<ResourceSample[]>;
  getEvents(): Promise<MonitorEvent[]>;
  /** Each returns a function that unsubscribes. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  onEvent(listener: (event: MonitorEvent) => void): () => void;
  /** The host asks the dashboard to show something: an agent, a session or a source (a notification was clicked). */
  onFocus(listener: (target: FocusTarget) => void): () => void;
  sendCommand(request: CommandRequest): Promise<CommandOutcome>;
  /** Sessions or events of a range of days: saved where the user chooses (desktop) or downloaded (browser). */
  exportData(query: ExportQuery): Promise<ExportOutcome>;
  snooze(until: string): Promise<{ snoozedUntil: string | null }>;
  resumeNotifications(): Promise<{ snoozedUntil: string | null }>;
}

/** The HTTP form of the API, shared by the web host and its client. */
export const HTTP_ROUTES = {
  snapshot: '/api/snapshot',
  history: '/api/history',
  stats: '/api/stats',
  series: '/api/series',
  events: '/api/events',
  stream: '/api/stream',
  commands: '/api/commands',
  snooze: '/api/snooze',
  resume: '/api/resume',
  export: '/api/export',
  metrics: '/metrics',
} as const;

/** The header that carries the control key on every POST. */
export const TOKEN_HEADER = 'x-monitor-token';

/** The dashboard's address hands the page the control key as `#key=…`: after the `#`, so no server or log ever sees it. */
export const CONTROL_KEY_PARAMETER = 'key';

/** Server-sent event names on the stream. */
export const STREAM_EVENTS = { snapshot: 'snapshot', event: 'monitor-event' } as const;

export const historyQuerySchema = z.object({ date: localDateSchema });
export const statsQuerySchema = z
  .object({ from: localDateSchema, to: localDateSchema })
  .refine((range) => range.from <= range.to, 'from must not be after to')
  // Both ends count: 366 days run from `from` to 365 days later.
  .refine((range) => Date.parse(range.to) - Date.parse(range.from) < 366 * 86_400_000, 'at most 366 days at a time');
/** What an export writes, and the two formats it writes in. */
export const EXPORT_KINDS = ['sessions', 'events'] as const;
export const EXPORT_FORMATS = ['csv', 'json'] as const;
/** One export: the local days from `from` to `to`, both included. No length limit: exports stream. */
export const exportQuerySchema = z
  .object({
    from: localDateSchema,
    to: localDateSchema,
    format: z.enum(EXPORT_FORMATS, { message: `expected one of ${EXPORT_FORMATS.join(', ')}` }).default('csv'),
    what: z.enum(EXPORT_KINDS, { message: `expected one of ${EXPORT_KINDS.join(', ')}` }).default('sessions'),
  })
  .refine((range) => range.from <= range.to, 'from must not be after to');
export type ExportQuery = z.infer<typeof exportQuerySchema>;
export const exportOutcomeSchema = z.object({
  status: z.enum(['saved', 'downloading', 'cancelled']),
  /** "Wrote 1,204 sessions to …", for the user. */
  message: z.string(),
});
export type ExportOutcome = z.infer<typeof exportOutcomeSchema>;
export const snoozeRequestSchema = z.object({ until: z.iso.datetime({ offset: true }) }).strict();
export const snoozeStateSchema = z.object({ snoozedUntil: z.iso.datetime().nullable() });
