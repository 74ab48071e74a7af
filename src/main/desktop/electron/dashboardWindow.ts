import { join } from 'node:path';
import { BrowserWindow, session, shell } from 'electron';
import { IPC_PUSH } from '../../../shared/ipcChannels';
import type { DashboardPort } from '../desktopHost';
import { CONTENT_SECURITY_POLICY, MIN_HEIGHT, MIN_WIDTH } from '../windowOptions';
import { loadWindowBounds, saveWindowBounds } from '../windowState';

export interface DashboardWindowOptions {
  /** Set by electron-vite in development; the built page is loaded otherwise. */
  readonly devServerUrl?: string;
  readonly outDir: string;
  /** Where the window's size and place are remembered. */
  readonly statePath: string;
  /** True once the app is quitting: closing then really closes. */
  readonly quitting: () => boolean;
}

/** The URL of the page the window loads; IPC answers only that page. */
export function dashboardPageUrl(options: Pick<DashboardWindowOptions, 'devServerUrl' | 'outDir'>): string {
  return options.devServerUrl ?? new URL(`file://${join(options.outDir, 'renderer', 'index.html')}`).toString();
}

/** Denies every permission a page may ask for (camera, notifications, geolocation, ...): the dashboard needs none. */
export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

export async function createDashboardWindow(options: DashboardWindowOptions): Promise<BrowserWindow> {
  // Electron's security checklist, written out where the window is made so scanners can read it.
  const window = new BrowserWindow({
    ...(await loadWindowBounds(options.statePath)),
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    backgroundColor: '#000000',
    title: 'Delegator Monitor',
    webPreferences: {
      // One bundled CommonJS file: a sandboxed renderer loads nothing else.
      preload: join(options.outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
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
  window.webContents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  // Closing hides to the tray; the monitor keeps running until Quit.
  window.on('close', (event) => {
    void saveWindowBounds(options.statePath, window.getNormalBounds()).catch(() => undefined);
    if (options.quitting()) return;
    event.preventDefault();
    window.hide();
  });
  const page = dashboardPageUrl(options);
  if (options.devServerUrl) await window.loadURL(page);
  else await window.loadFile(join(options.outDir, 'renderer', 'index.html'));
  return window;
}

/** The dashboard window as the desktop host sees it: made on first use, then shown, focused and sent to. */
export function dashboardPort(options: DashboardWindowOptions): DashboardPort & { readonly windowId: () => number | null; readonly window: () => BrowserWindow | null } {
  let window: BrowserWindow | null = null;
  // One creation, however many callers ask at once.
  let creating: Promise<BrowserWindow> | null = null;
  return {
    async show(focus) {
      creating ??= createDashboardWindow(options);
      window = await creating;
      window.show();
      window.focus();
      if (focus) window.webContents.send(IPC_PUSH.focus, focus);
    },
    send(channel, payload) {
      window?.webContents.send(channel, payload);
    },
    windowId: () => window?.webContents.id ?? null,
    window: () => window,
  };
}
