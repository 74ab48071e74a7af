import { join } from 'node:path';
import { app, safeStorage } from 'electron';
import type { Settings } from '../shared/settings';
import { systemTimeZone } from './core/localTime';
import { createDesktopHost } from './desktop/desktopHost';
import { desktopTarget } from './desktop/desktopTarget';
import { localDataDir } from './desktop/localDataDir';
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
import { startMonitorService } from './monitor/monitorService';

const outDir = join(import.meta.dirname, '..');
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources');
const demo = process.argv.includes('--demo');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const timeZone = systemTimeZone();
const localTime = (instant: string): string => new Date(instant).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const pageUrl = dashboardPageUrl({ outDir, devServerUrl });

/** The operating system's keychain, through Electron. */
const cipher: Cipher = {
  available: () => safeStorage.isAsyncEncryptionAvailable(),
  encrypt: async (text) => (await safeStorage.encryptStringAsync(text)).toString('base64'),
  decrypt: async (encoded) => (await safeStorage.decryptStringAsync(Buffer.from(encoded, 'base64'))).result,
};

/** What the end-to-end tests read from the main process; only set when they run the app. */
const probe = process.env.DELEGATOR_MONITOR_E2E === '1' ? { tray: null as { title: string; agents: number } | null, notifications: [] as string[] } : null;
if (probe) (globalThis as unknown as { delegatorMonitorProbe: typeof probe }).delegatorMonitorProbe = probe;

/** The monitor for these settings, keeping its series and logs where this machine keeps local data (never a roaming profile). */
function startService(settings: Settings, env: Record<string, string | undefined>) {
  const dataDir = localDataDir(app.getPath('userData'));
  return startMonitorService(desktopTarget(demo, dataDir, env), {
    // Read at each poll: a laptop that travels gets the right "today" without a restart.
    timeZone: systemTimeZone,
    defaultDataDir: dataDir,
    memoryOverrides: settings.memoryOverrides,
    onProblem: (message) => {
      console.error(message);
    },
  });
}

const dashboard = dashboardPort({ outDir, devServerUrl, statePath: join(app.getPath('userData'), 'window.json'), quitting: () => host.quitting() });
const serveToDashboard = (handlers: Parameters<typeof serveIpc>[0]): void => {
  serveIpc(handlers, dashboard.windowId, pageUrl);
};

const host = createDesktopHost({
  startService,
  dashboard,
  createTray: (handlers) => new TrayPresenter(electronTrayBindings(resourcesDir), handlers),
  notify: showNotification,
  serveIpc: serveToDashboard,
  controls: electronControlHost(),
  chooseExportPath: (name) => chooseExportPath(dashboard.window(), name),
  setLaunchAtLogin: (open) => {
    if (app.isPackaged) app.setLoginItemSettings({ openAtLogin: open });
  },
  quitApp: () => {
    app.quit();
  },
  now: Date.now,
  formatTime: localTime,
  report: (message) => {
    console.error(message);
  },
  observe: probe
    ? {
        tray: (model, snapshot) => {
          probe.tray = { title: model.title, agents: snapshot?.summary.activeAgents ?? 0 };
        },
        notification: (intent) => probe.notifications.push(`${intent.title}: ${intent.body}`),
      }
    : undefined,
});

async function setupSettings(): Promise<void> {
  const store = new SettingsStore(join(app.getPath('userData'), 'settings.json'), cipher);
  const service = settingsService({ store, cipher, env: process.env, timeZone, apply: (settings, env) => host.applySettings(settings, env) });
  serveToDashboard(settingsHandlers(service));
  const stored = await store.load();
  if (stored.problem) console.error(`settings: ${stored.problem}`);
  await host.applySettings(stored.settings, effectiveEnv(stored.settings, stored.password, process.env).env);
}

function setupShutdown(): void {
  app.on('before-quit', (event) => {
    if (host.quitting()) return;
    event.preventDefault();
    void host.stopForQuit().finally(() => {
      app.quit();
    });
  });
  // The tray keeps the app alive with every window closed.
  app.on('window-all-closed', () => undefined);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => void host.showDashboard());
  void app.whenReady().then(async () => {
    lockDownSession();
    setupShutdown();
    host.showTray();
    await setupSettings();
    await host.showDashboard();
  });
}
