import { ipcMain } from 'electron';
import { registerHandlers, trustedSender, type Handler } from '../ipcHandlers';

/** Serves the dashboard window, and only it, these channels. */
export function serveIpc(
  handlers: Readonly<Record<string, Handler>>,
  windowId: () => number | null,
  pageUrl: string,
): () => void {
  return registerHandlers(
    ipcMain,
    trustedSender(windowId, () => pageUrl),
    handlers,
  );
}
