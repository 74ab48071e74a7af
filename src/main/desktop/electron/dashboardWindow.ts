import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, screen, session, shell } from 'electron';
import { IPC_PUSH } from '../../../shared/ipcChannels';
import type { DashboardPort } from '../desktopHost';
import { DEV_CONTENT_SECURITY_POLICY } from '../../../shared/contentSecurityPolicy';
import { CONTENT_SECURITY_POLICY, MIN_HEIGHT, MIN_WIDTH } from '../windowOptions';
import { loadWindowBounds, onSomeDisplay, saveWindowBounds } from '../windowState';

export interface DashboardWindowOptions {
  /** Set by electron-vite in development; the built page is loaded otherwise. */
  readonly devServerUrl?: string;
  readonly outDir: string;
  /** Where the window's size and place are remembered. */
  readonly statePath: string;
  /** True once the app is quitting: closing then really closes. */
  readonly quitting: () => boolean;
  /** Windows is shutting down or logging off, which emits no before-quit. */
  readonly onSessionEnd?: () => void;
}

/**
 * The URL of the page the window loads; IPC answers only that page. `pathToFileURL`, so a `#` or `%` in the install
 * path stays a path.
 */
export function dashboardPageUrl(options: Pick<DashboardWindowOptions, 'devServerUrl' | 'outDir'>): string {
  return options.devServerUrl ?? pathToFileURL(join(options.outDir, 'renderer', 'index.html')).toString();
}

/** Denies every permission a page may ask for (camera, notifications, geolocation, ...): the dashboard needs none. */
export function lockDownSession(devServerUrl: string | undefined): void {
  const policy = devServerUrl === undefined ? CONTENT_SECURITY_POLICY : DEV_CONTENT_SECURITY_POLICY;
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
}

/** Makes the window; it exists, with its webContents id, before its page starts loading. */
async function makeDashboardWindow(options: DashboardWindowOptions): Promise<BrowserWindow> {
  const remembered = onSomeDisplay(
    await loadWindowBounds(options.statePath),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  // Electron's security checklist, written out where the window is made so scanners can read it.
  const window = new BrowserWindow({
    ...remembered,
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
  // A crashed or killed page comes back by itself; the monitor never stopped.
  window.webContents.on('render-process-gone', () => {
    if (!window.isDestroyed()) window.webContents.reload();
  });
  window.on('session-end', () => {
    options.onSessionEnd?.();
  });
  // Closing hides to the tray; the monitor keeps running until Quit.
  window.on('close', (event) => {
    void saveWindowBounds(options.statePath, window.getNormalBounds()).catch(() => undefined);
    if (options.quitting()) return;
    event.preventDefault();
    window.hide();
  });
  return window;
}

function loadDashboard(window: BrowserWindow, options: DashboardWindowOptions): Promise<void> {
  if (options.devServerUrl) return window.loadURL(dashboardPageUrl(options));
  return window.loadFile(join(options.outDir, 'renderer', 'index.html'));
}

/**
 * The dashboard window as the desktop host sees it: made on first use, then
 * shown, focused and sent to. Its id is known from the moment it is made, as
 * the page asks its first questions while it loads, before `loadFile` resolves.
 */
export function dashboardPort(options: DashboardWindowOptions): DashboardPort & {
  readonly windowId: () => number | null;
  readonly window: () => BrowserWindow | null;
  /** Writes where the window is, before the app quits and its last close may not finish writing. */
  readonly saveBounds: () => Promise<void>;
} {
  let window: BrowserWindow | null = null;
  // One creation, however many callers ask at once.
  let creating: Promise<BrowserWindow> | null = null;
  const create = async (): Promise<BrowserWindow> => {
    const made = await makeDashboardWindow(options);
    window = made;
    await loadDashboard(made, options);
    return made;
  };
  return {
    async show(focus) {
      creating ??= create();
      const shown = await creating;
      shown.show();
      shown.focus();
      if (focus) shown.webContents.send(IPC_PUSH.focus, focus);
    },
    send(channel, payload) {
      if (window && !window.isDestroyed()) window.webContents.send(channel, payload);
    },
    windowId: () => window?.webContents.id ?? null,
    window: () => window,
    saveBounds: async () => {
      if (window && !window.isDestroyed())
        await saveWindowBounds(options.statePath, window.getNormalBounds()).catch(() => undefined);
    },
  };
}
