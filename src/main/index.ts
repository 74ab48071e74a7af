import { join } from 'node:path';
import { app, safeStorage, type BrowserWindow } from 'electron';
import type { CommandRequest } from '../shared/commands';
import type { FocusTarget } from '../shared/focus';
import { IPC_PUSH } from '../shared/ipcChannels';
import type { Settings } from '../shared/settings';
import { createDashboardWindow, dashboardPageUrl, lockDownSession } from './app/dashboardWindow';
import { electronControlHost } from './app/controlDialogs';
import { chooseExportPath } from './app/exportDialog';
import { serveIpc } from './app/ipc';
import { showNotification } from './app/notifications';
import { electronTrayBindings } from './app/tray';
import { errorText } from './core/errorText';
import { systemTimeZone } from './core/localTime';
import { trayModel, type TrayAction } from './core/trayModel';
import { startHostMonitor, type HostMonitor } from './hostMonitor';
import { monitorHandlers } from './ipc/handlers';
import { runConfirmedControl } from './controls/confirmedControl';
import { eventsInMemory } from './export/eventEntries';
import { openExportSources } from './export/openExportSources';
import { saveExport } from './export/saveExport';
import { createMonitorQueries, type MonitorQueries } from './monitorQueries';
import { effectiveEnv } from './settings/effectiveEnv';
import { settingsHandlers, settingsService } from './settings/settingsService';
import { SettingsStore, type Cipher } from './settings/settingsStore';
import { TrayPresenter } from './tray/trayPresenter';

const outDir = join(import.meta.dirname, '..');
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources');
const demo = process.argv.includes('--demo');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const timeZone = systemTimeZone();
const localTime = (instant: string): string => new Date(instant).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** The operating system's keychain, through Electron. */
const cipher: Cipher = {
  available: () => safeStorage.isAsyncEncryptionAvailable(),
  encrypt: async (text) => (await safeStorage.encryptStringAsync(text)).toString('base64'),
  decrypt: async (encoded) => (await safeStorage.decryptStringAsync(Buffer.from(encoded, 'base64'))).result,
};

/** What the end-to-end tests read from the main process; only set when they run the app. */
const probe = process.env.DELEGATOR_MONITOR_E2E === '1' ? { tray: null as { title: string; agents: number } | null, notifications: [] as string[] } : null;
if (probe) (globalThis as unknown as { delegatorMonitorProbe: typeof probe }).delegatorMonitorProbe = probe;

let host: HostMonitor | null = null;
let detachHost: () => void = () => undefined;
let window: BrowserWindow | null = null;
let quitting = false;
let renderTray: () => void = () => undefined;
let queries: MonitorQueries | null = null;

/** Controls chosen outside the dashboard: the tray's menu, a notification's button. */
const controlHost = electronControlHost({
  latestSnapshot: () => host?.running.monitor.current() ?? null,
  send: (request) => {
    if (queries === null) return Promise.resolve({ ok: false, id: '', failure: 'not_sent', error: 'the monitor is not running' });
    return queries.sendCommand(request);
  },
});
const runControl = (request: CommandRequest): void => {
  runConfirmedControl(controlHost, request).catch((error: unknown) => {
    console.error(`A control could not be run: ${errorText(error)}`);
  });
};

/** The dashboard's Export button: a save dialog, then the sessions from the database or the events the monitor holds. */
const saveDashboardExport = saveExport({
  choosePath: (name) => chooseExportPath(window, name),
  openSources: () => {
    const running = host;
    if (running === null) return null;
    return openExportSources(running.config, { timeZone, events: () => eventsInMemory(running.running.monitor.events()) });
  },
});

async function showDashboard(focus?: FocusTarget | null): Promise<void> {
  window ??= await createDashboardWindow({ outDir, devServerUrl, statePath: join(app.getPath('userData'), 'window.json'), quitting: () => quitting });
  window.show();
  window.focus();
  if (focus) window.webContents.send(IPC_PUSH.focus, focus);
}

const windowId = (): number | null => window?.webContents.id ?? null;
const pageUrl = dashboardPageUrl({ outDir, devServerUrl });

/** Connects a running monitor to the window, the tray and notifications; returns what undoes it. */
function attach(running: HostMonitor): () => void {
  const { monitor } = running.running;
  const served = createMonitorQueries(running.running);
  queries = served;
  const detachers = [
    serveIpc(monitorHandlers(served, saveDashboardExport), windowId, pageUrl),
    monitor.onSnapshot((snapshot) => window?.webContents.send(IPC_PUSH.snapshot, snapshot)),
    monitor.onEvent((event) => window?.webContents.send(IPC_PUSH.event, event)),
    monitor.onSnapshot(() => {
      renderTray();
    }),
    monitor.onNotification((intent) => {
      probe?.notifications.push(`${intent.title}: ${intent.body}`);
      showNotification(intent, { onFocus: (focus) => void showDashboard(focus), onControl: runControl });
    }),
  ];
  return () => {
    queries = null;
    for (const detach of detachers) detach();
  };
}

/** (Re)starts the monitor on these settings; a failure leaves the app up, saying why. */
async function runMonitor(settings: Settings, env: Record<string, string | undefined>): Promise<void> {
  detachHost();
  detachHost = () => undefined;
  const previous = host;
  host = null;
  await previous?.stop();
  try {
    host = await startHostMonitor({
      demo,
      dataDir: app.getPath('userData'),
      env,
      timeZone,
      memoryOverrides: settings.memoryOverrides,
      onProblem: (message) => {
        console.error(`monitor: ${message}`);
      },
    });
    detachHost = attach(host);
  } catch (error) {
    console.error(`The monitor could not start: ${errorText(error)}`);
  }
  renderTray();
}

function applySettings(settings: Settings, env: Record<string, string | undefined>): Promise<void> {
  if (app.isPackaged) app.setLoginItemSettings({ openAtLogin: settings.launchAtLogin });
  return runMonitor(settings, env);
}

async function setupSettings(): Promise<void> {
  const store = new SettingsStore(join(app.getPath('userData'), 'settings.json'), cipher);
  const service = settingsService({ store, cipher, env: process.env, timeZone, apply: applySettings });
  serveIpc(settingsHandlers(service), windowId, pageUrl);
  const stored = await store.load();
  if (stored.problem) console.error(`settings: ${stored.problem}`);
  await applySettings(stored.settings, effectiveEnv(stored.settings, stored.password, process.env).env);
}

/** The next morning at nine, local time. */
function tomorrowMorning(now: Date): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9).getTime();
}

function setupTray(): void {
  const act = (action: TrayAction): void => {
    const monitor = host?.running.monitor;
    if (action === 'open') void showDashboard();
    if (action === 'snooze-hour') monitor?.snooze(Date.now() + 3_600_000);
    if (action === 'snooze-tomorrow') monitor?.snooze(tomorrowMorning(new Date()));
    if (action === 'resume') monitor?.resumeNotifications();
    if (action === 'settings') void showDashboard({ kind: 'settings', id: 'settings' });
    if (action === 'quit') app.quit();
    renderTray();
  };
  const presenter = new TrayPresenter(electronTrayBindings(resourcesDir), {
    onAction: act,
    onFocus: (target) => void showDashboard(target),
    onControl: runControl,
  });
  renderTray = () => {
    const monitor = host?.running.monitor ?? null;
    const snapshot = monitor?.current() ?? null;
    const model = trayModel({ snapshot, snoozedUntil: monitor?.snoozedUntil() ?? null, now: Date.now(), formatTime: localTime });
    presenter.render(model);
    if (probe) probe.tray = { title: model.title, agents: snapshot?.summary.activeAgents ?? 0 };
  };
  renderTray();
}

function setupShutdown(): void {
  app.on('before-quit', (event) => {
    quitting = true;
    const stopping = host;
    if (stopping === null) return;
    host = null;
    detachHost();
    event.preventDefault();
    void stopping.stop().finally(() => {
      app.quit();
    });
  });
  // The tray keeps the app alive with every window closed.
  app.on('window-all-closed', () => undefined);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => void showDashboard());
  void app.whenReady().then(async () => {
    lockDownSession();
    setupShutdown();
    setupTray();
    await setupSettings();
    await showDashboard();
  });
}
