import { join } from 'node:path';
import { BrowserWindow, shell } from 'electron';

export interface DashboardWindowOptions {
  /** Set by electron-vite in development; the built page is loaded otherwise. */
  readonly devServerUrl?: string;
  readonly outDir: string;
}

export function createDashboardWindow(options: DashboardWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#000000',
    title: 'Delegator Monitor',
    webPreferences: {
      preload: join(options.outDir, 'preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  // Links open in the user's browser; the app never becomes a browser itself.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => {
    event.preventDefault();
  });
  if (options.devServerUrl) void window.loadURL(options.devServerUrl);
  else void window.loadFile(join(options.outDir, 'renderer/index.html'));
  return window;
}
