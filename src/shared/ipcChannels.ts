/**
 * The desktop app's IPC contract. No schemas here: the sandboxed preload
 * bundles this file, and main validates every argument on its side.
 */

/**
 * Each operation's channel, by the MonitorApi method that calls it: the part
 * of the operations table (operations.ts) that the preload may bundle; the
 * table holds everything else about each. Its names are the operations' names.
 */
export const IPC_INVOKE = {
  getSnapshot: 'monitor:get-snapshot',
  getHistory: 'monitor:get-history',
  getStats: 'monitor:get-stats',
  getSeries: 'monitor:get-series',
  getEvents: 'monitor:get-events',
  sendCommand: 'monitor:send-command',
  snooze: 'monitor:snooze',
  resumeNotifications: 'monitor:resume-notifications',
  exportData: 'monitor:export-data',
} as const;

/** One of the dashboard's operations, by its MonitorApi method's name. */
export type OperationName = keyof typeof IPC_INVOKE;

// Object.keys forgets that the keys are these names.
export const OPERATION_NAMES = Object.keys(IPC_INVOKE) as readonly OperationName[];

/** The settings screen's channels, beside the MonitorApi's. */
export const IPC_SETTINGS = {
  getSettings: 'settings:get',
  saveSettings: 'settings:save',
  testConnection: 'settings:test-connection',
} as const;

/** Pushed from main to the window. */
export const IPC_PUSH = {
  snapshot: 'monitor:snapshot',
  event: 'monitor:event',
  /** Open the dashboard on something: an agent, a session or a source, by id. */
  focus: 'monitor:focus',
} as const;

/** Electron drops an error's details over invoke, so handlers answer with this instead of throwing. */
export type IpcResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };
