import { z } from 'zod';
import { exportQuerySchema, statsQuerySchema, type ExportOutcome, type ExportQuery } from '../../shared/api';
import { commandRequestSchema } from '../../shared/commands';
import { IPC_INVOKE, type IpcResult } from '../../shared/ipcChannels';
import { localDateSchema } from '../../shared/model';
import { errorText } from '../../shared/errorText';
import type { MonitorQueries } from '../monitor/monitorService';
import { describeIssues } from '../../shared/zodIssues';

/** What a handler learns of its caller; Electron's IpcMainInvokeEvent has these. */
export interface InvokeEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of ipcMain the handlers use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** One channel's work: its arguments as they came, checked inside. */
export type Handler = (args: unknown[]) => unknown;

export function parseArgs<T>(schema: z.ZodType<T>, args: unknown[]): T {
  const parsed = schema.safeParse(args);
  if (!parsed.success) throw new Error(`bad arguments: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

const none = z.tuple([]);

/** The questions as the IPC handlers may answer them: at once, or once the monitor has started. */
export type HandledQueries = { readonly [K in keyof MonitorQueries]: (...args: Parameters<MonitorQueries[K]>) => ReturnType<MonitorQueries[K]> | Promise<Awaited<ReturnType<MonitorQueries[K]>>> };

/** Where the desktop app writes an export: a save dialog and a file, which only the host has. */
export type SaveExport = (query: ExportQuery) => Promise<ExportOutcome>;

/** The MonitorApi's channels, answered from the monitor. */
export const monitorHandlers = (queries: HandledQueries, saveExport: SaveExport): Readonly<Record<(typeof IPC_INVOKE)[keyof typeof IPC_INVOKE], Handler>> => ({
  [IPC_INVOKE.getSnapshot]: (args) => {
    parseArgs(none, args);
    return queries.getSnapshot();
  },
  [IPC_INVOKE.getHistory]: (args) => queries.getHistory(parseArgs(z.tuple([localDateSchema]), args)[0]),
  [IPC_INVOKE.getStats]: (args) => {
    const [from, to] = parseArgs(z.tuple([localDateSchema, localDateSchema]), args);
    const range = statsQuerySchema.safeParse({ from, to });
    if (!range.success) throw new Error(`bad arguments: ${describeIssues(range.error)}`);
    return queries.getStats(from, to);
  },
  [IPC_INVOKE.getSeries]: (args) => {
    parseArgs(none, args);
    return queries.getSeries();
  },
  [IPC_INVOKE.getEvents]: (args) => {
    parseArgs(none, args);
    return queries.getEvents();
  },
  [IPC_INVOKE.sendCommand]: (args) => queries.sendCommand(parseArgs(z.tuple([commandRequestSchema]), args)[0]),
  [IPC_INVOKE.snooze]: (args) => queries.snooze(parseArgs(z.tuple([z.iso.datetime({ offset: true })]), args)[0]),
  [IPC_INVOKE.resumeNotifications]: (args) => {
    parseArgs(none, args);
    return queries.resumeNotifications();
  },
  [IPC_INVOKE.exportData]: (args) => saveExport(parseArgs(z.tuple([exportQuerySchema]), args)[0]),
});

/**
 * Serves handlers over IPC. Each call is refused unless it comes from the
 * dashboard window, its arguments are checked with zod, and the answer is
 * `{ok, value}` or `{ok: false, error}`. Returns a function that unregisters.
 */
export function registerHandlers(ipc: IpcMainLike, isTrusted: (event: InvokeEvent) => boolean, handlers: Readonly<Record<string, Handler>>): () => void {
  for (const [channel, handler] of Object.entries(handlers)) {
    ipc.handle(channel, async (event, ...args): Promise<IpcResult<unknown>> => {
      if (!isTrusted(event)) return { ok: false, error: 'refused: the request did not come from the dashboard window' };
      try {
        return { ok: true, value: await handler(args) };
      } catch (error) {
        return { ok: false, error: errorText(error) };
      }
    });
  }
  return () => {
    for (const channel of Object.keys(handlers)) ipc.removeHandler(channel);
  };
}

/** Trusted: sent by the dashboard window itself, from the page we loaded into it. */
export function trustedSender(windowId: () => number | null, pageUrl: () => string): (event: InvokeEvent) => boolean {
  return (event) => {
    const frame = event.senderFrame;
    if (frame === null || event.sender.id !== windowId()) return false;
    const expected = new URL(pageUrl());
    const actual = URL.canParse(frame.url) ? new URL(frame.url) : null;
    return actual !== null && actual.origin === expected.origin && actual.pathname === expected.pathname;
  };
}
