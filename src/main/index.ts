import { join } from 'node:path';
import { app, Menu, nativeTheme, powerMonitor, safeStorage, shell } from 'electron';
import type { Settings } from '../shared/settings';
import { systemTimeZone } from './core/localTime';
import { createLogger, logLevelFrom, terminalLine, unknownLevelWarning } from './core/logger';
import { errorText } from '../shared/errorText';
import { createDesktopHost } from './desktop/desktopHost';
import { desktopTarget } from './desktop/desktopTarget';
import { localDataDir } from './desktop/localDataDir';
import { openLogFile } from './desktop/logFile';
import { setLinuxAutostart, START_HIDDEN_ARGUMENT } from './desktop/launchAtLogin';
import { electronControlHost } from './desktop/electron/controlDialogs';
import { dashboardPageUrl, dashboardPort, lockDownSession } from './desktop/electron/dashboardWindow';
import { chooseExportPath } from './desktop/electron/exportDialog';
import { serveIpc } from './desktop/electron/ipc';
import { showNotification } from './desktop/electron/notifications';
import { electronTrayBindings } from './desktop/electron/tray';
import { effectiveEnv } from './desktop/settings/effectiveEnv';
import { settingsHandlers, settingsService } from './desktop/settings/settingsService';
import { SettingsStore, type Cipher } from './desktop/settings/settingsStore';
import { TrayPresenter } from './desktop/trayPresenter';
import { startMonitorService, type MonitorService } from './monitor/monitorService';
import { startDatabaseEarly } from './demo/earlyDatabase';

const outDir = join(import.meta.dirname, '..');
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources');
const demo = process.argv.includes('--demo');

const logLevel = logLevelFrom(process.env.MONITOR_LOG_LEVEL);
/** Started at login, the app has no terminal: what it would print goes to a log file the tray opens. */
const logFile = openLogFile(join(localDataDir(app.getPath('userData')), 'logs'), logLevel.level);
/** The log file, and the terminal of whoever started the app from one. */
const log = createLogger([
  logFile.sink,
  {
    level: logLevel.level,
    write: (record) => {
      console.error(terminalLine(record));
    },
  },
]);
if (logLevel.unknown !== null) log.warn(unknownLevelWarning(logLevel.unknown));
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const timeZone = systemTimeZone();
const localTime = (instant: string): string =>
  new Date(instant).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const pageUrl = dashboardPageUrl({ outDir, devServerUrl });

/** The installer's appId (electron-builder.yml): Windows shows toasts only for an app that has one. */
const APP_ID = 'org.echo.delegator-monitor';
/** Started at login: the app goes to the tray without popping its window up. */
const startHidden =
  process.argv.includes(START_HIDDEN_ARGUMENT) ||
  (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
/** Quit never hangs on a source that does not answer: past this, the app exits anyway. */
const STOP_WITHIN_MS = 5000;

/**
 * The operating system's keychain, through Electron. On Linux without a
 * keyring, safeStorage falls back to a key written into Chromium itself
 * (`basic_text`): that is no keychain, and a password is refused as without one.
 */
const cipher: Cipher = {
  available: async () =>
    (await safeStorage.isAsyncEncryptionAvailable()) &&
    !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'),
  encrypt: async (text) => (await safeStorage.encryptStringAsync(text)).toString('base64'),
  decrypt: async (encoded) => {
    const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(encoded, 'base64'));
    return { text: result, reEncrypt: shouldReEncrypt };
  },
};

/**
 * The monitor for these settings, keeping its series and logs where this machine keeps local data (never a roaming
 * profile).
 */
function startService(
  settings: Settings,
  env: Record<string, string | undefined>,
  listen: (service: MonitorService) => void,
) {
  const dataDir = localDataDir(app.getPath('userData'));
  return startMonitorService(desktopTarget(demo, dataDir, env), {
    // Read at each poll: a laptop that travels gets the right "today" without a restart.
    timeZone: systemTimeZone,
    defaultDataDir: dataDir,
    memoryOverrides: settings.memoryOverrides,
    log,
    beforeFirstPoll: listen,
  });
}

/** With `--demo`, starts the demo's database for the monitor that will start on it (earlyDatabase.ts). */
function startDemoDatabaseEarly(): void {
  if (!demo) return;
  const target = desktopTarget(demo, localDataDir(app.getPath('userData')), process.env);
  if (target.kind === 'demo' && target.dataDir !== null) startDatabaseEarly(target.dataDir, log.child('demo'));
}

const dashboard = dashboardPort({
  outDir,
  devServerUrl,
  statePath: join(app.getPath('userData'), 'window.json'),
  quitting: () => host.quitting(),
  onSessionEnd: quitNow,
});
const serveToDashboard = (handlers: Parameters<typeof serveIpc>[0]): void => {
  serveIpc(handlers, dashboard.windowId, pageUrl);
};

const host = createDesktopHost({
  startService,
  dashboard,
  createTray: (handlers) =>
    new TrayPresenter(
      electronTrayBindings(resourcesDir, () => {
        handlers.onAction('open');
      }),
      handlers,
    ),
  notify: (intent, handlers) => {
    showNotification(intent, handlers, join(resourcesDir, 'icon.png'));
  },
  serveIpc: serveToDashboard,
  controls: electronControlHost(),
  chooseExportPath: (name) => chooseExportPath(dashboard.window(), name),
  setLaunchAtLogin: (open) => {
    if (!app.isPackaged) return;
    // Electron's login items are macOS's and Windows'; Linux starts what its XDG autostart folder names.
    if (process.platform === 'linux') {
      setLinuxAutostart(open, process.env.APPIMAGE ?? process.execPath, [], process.env).catch((error: unknown) => {
        log.error(`launch at login: ${errorText(error)}`);
      });
    } else {
      app.setLoginItemSettings({ openAtLogin: open, args: [START_HIDDEN_ARGUMENT] });
    }
  },
  quitApp: () => {
    app.quit();
  },
  openLog: () => {
    void shell.openPath(logFile.path);
  },
  now: Date.now,
  formatTime: localTime,
  log: log.child('desktop'),
});

async function setupSettings(): Promise<void> {
  const store = new SettingsStore(join(app.getPath('userData'), 'settings.json'), cipher);
  const service = settingsService({
    store,
    cipher,
    env: process.env,
    timeZone,
    apply: (settings, env) => host.applySettings(settings, env),
  });
  serveToDashboard(settingsHandlers(service));
  const stored = await store.load();
  if (stored.problem) log.warn(`settings: ${stored.problem}`);
  await host.applySettings(stored.settings, effectiveEnv(stored.settings, stored.password, process.env).env);
}

/** Stops the monitor (within a bound), writes the window's place, then lets the app go. */
async function stopBeforeQuit(): Promise<void> {
  const bounded = new Promise<void>((resolve) => setTimeout(resolve, STOP_WITHIN_MS).unref());
  await Promise.race([Promise.all([host.stopForQuit(), dashboard.saveBounds()]), bounded]);
  await logFile.close();
}

/** Quits now, the monitor stopped first: for a shutdown or logoff, which emit no before-quit on Windows. */
function quitNow(): void {
  void stopBeforeQuit().finally(() => {
    app.quit();
  });
}

function setupShutdown(): void {
  app.on('before-quit', (event) => {
    if (host.quitting()) return;
    event.preventDefault();
    quitNow();
  });
  powerMonitor.on('shutdown', quitNow);
  // The tray keeps the app alive with every window closed.
  app.on('window-all-closed', () => undefined);
}

if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // The demo's database loads on its own thread from now on, while Electron starts and the window opens; only the one
  // instance that holds the lock may open its folder.
  startDemoDatabaseEarly();
  app.on('second-instance', () => void host.showDashboard());
  // macOS: a Dock click or a relaunch from Finder while the window is hidden.
  app.on('activate', () => void host.showDashboard());
  void app.whenReady().then(async () => {
    // A tray app: no Dock icon on macOS, and no Reload or DevTools menu in the packaged app.
    app.dock?.hide();
    if (app.isPackaged) Menu.setApplicationMenu(null);
    lockDownSession(devServerUrl);
    setupShutdown();
    nativeTheme.on('updated', () => {
      host.themeChanged();
    });
    host.showTray();
    // The window opens at once and says "starting" while the monitor starts; the page's first questions wait for it.
    if (!startHidden) void host.showDashboard();
    await setupSettings();
  });
}
