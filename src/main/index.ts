import { join } from 'node:path';
import { app, type BrowserWindow } from 'electron';
import { IPC_PUSH } from '../shared/ipcChannels';
import type { FocusTarget } from '../shared/focus';
import { createDashboardWindow, dashboardPageUrl, lockDownSession } from './app/dashboardWindow';
import { serveMonitorIpc } from './app/ipc';
import { showNotification } from './app/notifications';
import { electronTrayBindings } from './app/tray';
import { errorText } from './core/errorText';
import { systemTimeZone } from './core/localTime';
import { trayModel, type TrayAction } from './core/trayModel';
import { startHostMonitor, type HostMonitor } from './hostMonitor';
import { createMonitorQueries } from './monitorQueries';
import { TrayPresenter } from './tray/trayPresenter';

const outDir = join(import.meta.dirname, '..');
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources');
const demo = process.argv.includes('--demo');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const localTime = (instant: string): string => new Date(instant).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

let host: HostMonitor | null = null;
/** What the end-to-end tests read from the main process; only set when they run the app. */
const probe = process.env.DELEGATOR_MONITOR_E2E === '1' ? { tray: null as { title: string; agents: number } | null, notifications: [] as string[] } : null;
if (probe) (globalThis as unknown as { delegatorMonitorProbe: typeof probe }).delegatorMonitorProbe = probe;
let window: BrowserWindow | null = null;
let quitting = false;

async function showDashboard(focus?: FocusTarget | null): Promise<void> {
  window ??= await createDashboardWindow({ outDir, devServerUrl, statePath: join(app.getPath('userData'), 'window.json'), quitting: () => quitting });
  window.show();
  window.focus();
  if (focus) window.webContents.send(IPC_PUSH.focus, focus);
}

async function setupMonitor(): Promise<HostMonitor | null> {
  try {
    host = await startHostMonitor({
      demo,
      dataDir: app.getPath('userData'),
      env: process.env,
      timeZone: systemTimeZone(),
      onProblem: (message) => {
        console.error(`monitor: ${message}`);
      },
    });
    return host;
  } catch (error) {
    console.error(`The monitor could not start: ${errorText(error)}`);
    return null;
  }
}

function setupIpc(running: HostMonitor): void {
  serveMonitorIpc(createMonitorQueries(running.running), () => window?.webContents.id ?? null, dashboardPageUrl({ outDir, devServerUrl }));
  const { monitor } = running.running;
  monitor.onSnapshot((snapshot) => window?.webContents.send(IPC_PUSH.snapshot, snapshot));
  monitor.onEvent((event) => window?.webContents.send(IPC_PUSH.event, event));
}

/** The next morning at nine, local time. */
function tomorrowMorning(now: Date): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9).getTime();
}

function setupTray(running: HostMonitor | null): void {
  const monitor = running?.running.monitor ?? null;
  const act = (action: TrayAction): void => {
    if (action === 'open') void showDashboard();
    if (action === 'snooze-hour') monitor?.snooze(Date.now() + 3_600_000);
    if (action === 'snooze-tomorrow') monitor?.snooze(tomorrowMorning(new Date()));
    if (action === 'resume') monitor?.resumeNotifications();
    if (action === 'quit') app.quit();
    render();
  };
  const presenter = new TrayPresenter(electronTrayBindings(resourcesDir), {
    onAction: act,
    onFocus: (target) => void showDashboard(target),
  });
  const render = (): void => {
    const snapshot = monitor?.current() ?? null;
    const model = trayModel({
      snapshot,
      snoozedUntil: monitor?.snoozedUntil() ?? null,
      now: Date.now(),
      formatTime: localTime,
      // The settings screen comes with the connection settings; until then the menu says so by its greyed entry.
      settingsAvailable: false,
    });
    presenter.render(model);
    if (probe) probe.tray = { title: model.title, agents: snapshot?.summary.activeAgents ?? 0 };
  };
  render();
  monitor?.onSnapshot(render);
}

function setupNotifications(running: HostMonitor | null): void {
  running?.running.monitor.onNotification((intent) => {
    probe?.notifications.push(`${intent.title}: ${intent.body}`);
    showNotification(intent, (focus) => void showDashboard(focus));
  });
}

function setupShutdown(): void {
  app.on('before-quit', (event) => {
    quitting = true;
    const stopping = host;
    if (stopping === null) return;
    host = null;
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
    const running = await setupMonitor();
    if (running) setupIpc(running);
    setupTray(running);
    setupNotifications(running);
    await showDashboard();
  });
}
