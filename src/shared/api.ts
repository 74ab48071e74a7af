import type { FocusTarget } from './focus';
import type { Snapshot } from './model';
import type { MonitorEvent } from './monitorEvent';
import { OPERATIONS, type OperationMethods } from './operations';

/**
 * Everything the dashboard may ask of the monitor: the operations of the
 * table in operations.ts, and what the monitor pushes. The Electron preload
 * and the browser's HTTP client both implement it; the renderer knows
 * nothing else.
 */
export interface MonitorApi extends OperationMethods {
  /** Each returns a function that unsubscribes. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  onEvent(listener: (event: MonitorEvent) => void): () => void;
  /** The host asks the dashboard to show something: an agent, a session or a source (a notification was clicked). */
  onFocus(listener: (target: FocusTarget) => void): () => void;
}

/**
 * The web host's paths by the names scripts and tests know them: the
 * operations' own, from the table, and the two routes that are no operation.
 */
export const HTTP_ROUTES = {
  snapshot: OPERATIONS.getSnapshot.http.path,
  history: OPERATIONS.getHistory.http.path,
  stats: OPERATIONS.getStats.http.path,
  series: OPERATIONS.getSeries.http.path,
  events: OPERATIONS.getEvents.http.path,
  stream: '/api/stream',
  commands: OPERATIONS.sendCommand.http.path,
  snooze: OPERATIONS.snooze.http.path,
  resume: OPERATIONS.resumeNotifications.http.path,
  export: OPERATIONS.exportData.http.path,
  metrics: '/metrics',
} as const;

/** The header that carries the control key on every POST. */
export const TOKEN_HEADER = 'x-monitor-token';

/**
 * The dashboard's address hands the page the control key as `#key=…`: after the `#`, so no server or log ever sees it.
 */
export const CONTROL_KEY_PARAMETER = 'key';

/** Server-sent event names on the stream. */
export const STREAM_EVENTS = { snapshot: 'snapshot', event: 'monitor-event' } as const;
