import { ipcMain } from 'electron';
import { registerMonitorHandlers, trustedSender } from '../ipc/monitorHandlers';
import type { MonitorQueries } from '../monitorQueries';

/** Serves the dashboard window, and only it, the MonitorApi's questions and commands. */
export function serveMonitorIpc(queries: MonitorQueries, windowId: () => number | null, pageUrl: string): () => void {
  return registerMonitorHandlers(ipcMain, trustedSender(windowId, () => pageUrl), queries);
}
