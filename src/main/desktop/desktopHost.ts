import type { CommandRequest } from '../../shared/commands';
import { errorText } from '../../shared/errorText';
import { startFailure } from '../../shared/startFailure';
import type { FocusTarget } from '../../shared/focus';
import { IPC_PUSH } from '../../shared/ipcChannels';
import type { Snapshot } from '../../shared/model';
import type { Settings } from '../../shared/settings';
import type { NotificationIntent } from '../core/alerts/engine';
import { trayModel, type TrayAction, type TrayModel } from '../core/views/trayModel';
import { saveExport } from '../export/saveExport';
import type { MonitorService } from '../monitor/monitorService';
import { Unavailable } from '../monitor/unavailable';
import { runConfirmedControl, type ControlHost } from './confirmedControl';
import { monitorHandlers, type Handler, type HandledQueries } from './ipcHandlers';
import type { MenuHandlers } from './trayPresenter';

type Env = Record<string, string | undefined>;

/** The dashboard window, made on first use by the Electron edge. */
export interface DashboardPort {
  show(focus?: FocusTarget | null): Promise<void>;
  /** Delivers a push to the page, when the window exists. */
  send(channel: string, payload: unknown): void;
}

/** What a notification's click and button do. */
export interface NotificationHandlers {
  readonly onFocus: (target: FocusTarget | null) => void;
  /** The suggested action's button was pressed; the host confirms before sending. */
  readonly onControl: (request: CommandRequest) => void;
}

/** Everything the desktop host needs from Electron and the machine, injected so the host itself has none. */
export interface DesktopDeps {
  /** Starts the monitor these settings describe (ECHO as configured, or the demo), handing it to `listen` before its first poll. */
  readonly startService: (settings: Settings, env: Env, listen: (service: MonitorService) => void) => Promise<MonitorService>;
  readonly dashboard: DashboardPort;
  /** Makes the tray, whose menu calls these handlers. */
  readonly createTray: (handlers: MenuHandlers) => { render(model: TrayModel): void; redrawIcon(): void };
  readonly notify: (intent: NotificationIntent, handlers: NotificationHandlers) => void;
  /** Serves these channels to the dashboard window, and only to it. */
  readonly serveIpc: (handlers: Readonly<Record<string, Handler>>) => void;
  /** A native question and a native notice, for controls chosen outside the dashboard. */
  readonly controls: Pick<ControlHost, 'ask' | 'tell'>;
  readonly chooseExportPath: (suggestedName: string) => Promise<string | null>;
  readonly setLaunchAtLogin: (open: boolean) => void;
  readonly quitApp: () => void;
  /** Opens the log file in the system's viewer: the app has no terminal to print to. */
  readonly openLog: () => void;
  readonly now: () => number;
  /** "14:05" in the user's zone, for the tray's snooze line. */
  readonly formatTime: (instant: string) => string;
  readonly report: (message: string) => void;
  /** Sees each tray model and notification shown; only the end-to-end tests set it. */
  readonly observe?: { tray(model: TrayModel, snapshot: Snapshot | null): void; notification(intent: NotificationIntent): void };
}

export interface DesktopHost {
  /** Shows the tray as it is now: "starting" until a monitor runs. */
  showTray(): void;
  /** The system's theme changed: the tray's icon is drawn again. */
  themeChanged(): void;
  /** (Re)starts the monitor on these settings; a failure leaves the app up, saying why. */
  applySettings(settings: Settings, env: Env): Promise<void>;
  showDashboard(focus?: FocusTarget | null): Promise<void>;
  act(action: TrayAction): void;
  /** True once Quit was chosen: closing the window then really closes it. */
  quitting(): boolean;
  /** Stops the monitor before the app quits. */
  stopForQuit(): Promise<void>;
}

/** The next morning at nine, local time. */
function tomorrowMorning(now: Date): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9).getTime();
}

/**
 * The desktop app's state and behaviour in one object: the running monitor,
 * the latest snapshot it handed over, and what the tray, the window and
 * notifications show of it. Snapshots flow one way, from the monitor's
 * listener to the window and the tray; nothing asks the monitor again.
 */
export function createDesktopHost(deps: DesktopDeps): DesktopHost {
  let service: MonitorService | null = null;
  let latest: Snapshot | null = null;
  let detach: () => void = () => undefined;
  let isQuitting = false;
  /** Every (re)start in turn: two quick saves never leave two monitors running. */
  let restarts: Promise<void> = Promise.resolve();
  /** Settled once the latest (re)start has; the page's first questions wait for it rather than be refused. */
  let settleFirstStart: () => void = () => undefined;
  let started = new Promise<void>((resolve) => {
    settleFirstStart = resolve;
  });
  let startError: string | null = null;

  const running = (): MonitorService => {
    if (service !== null) return service;
    throw new Unavailable(startError === null ? 'the monitor is starting' : startFailure(startError));
  };
  /** Waits for the monitor starting now, then answers from it; a monitor that could not start says why. */
  const once = async <T>(answer: (running: MonitorService) => T): Promise<T> => {
    // A save may restart the monitor meanwhile: wait until no newer start is under way.
    for (let awaited = started; ; awaited = started) {
      await awaited;
      if (awaited === started) break;
    }
    return answer(running());
  };

  const controlHost: ControlHost = {
    ...deps.controls,
    latestSnapshot: () => latest,
    send: (request) => running().sendCommand(request),
  };
  const runControl = (request: CommandRequest): void => {
    runConfirmedControl(controlHost, request).catch((error: unknown) => {
      deps.report(`A control could not be run: ${errorText(error)}`);
    });
  };

  const showDashboard = (focus?: FocusTarget | null): Promise<void> => deps.dashboard.show(focus);
  const tray = deps.createTray({ onAction: (action) => { act(action); }, onFocus: (target) => void showDashboard(target), onControl: runControl });
  const renderTray = (): void => {
    const model = trayModel({ snapshot: latest, startError, snoozedUntil: service?.snoozedUntil() ?? null, now: deps.now(), formatTime: deps.formatTime });
    tray.render(model);
    deps.observe?.tray(model, latest);
  };

  function act(action: TrayAction): void {
    switch (action) {
      case 'open':
        void showDashboard();
        break;
      case 'snooze-hour':
        service?.snooze(new Date(deps.now() + 3_600_000).toISOString());
        break;
      case 'snooze-tomorrow':
        service?.snooze(new Date(tomorrowMorning(new Date(deps.now()))).toISOString());
        break;
      case 'resume':
        service?.resumeNotifications();
        break;
      case 'settings':
        void showDashboard({ kind: 'settings', id: 'settings' });
        break;
      case 'log':
        deps.openLog();
        break;
      case 'quit':
        deps.quitApp();
        break;
      default: {
        const unknown: never = action;
        throw new Error(`unknown tray action ${String(unknown)}`);
      }
    }
    renderTray();
  }

  // Registered once, for whichever monitor runs: the page's first questions, asked while it loads, wait for the start.
  const queries: HandledQueries = {
    getSnapshot: () => once(() => latest),
    getHistory: (date) => running().getHistory(date),
    getStats: (from, to) => running().getStats(from, to),
    getSeries: () => once((current) => current.getSeries()),
    getEvents: () => once((current) => current.getEvents()),
    sendCommand: (request) => running().sendCommand(request),
    snooze: (until) => running().snooze(until),
    resumeNotifications: () => running().resumeNotifications(),
  };
  const saveDashboardExport = saveExport({
    choosePath: deps.chooseExportPath,
    sources: () => service?.exports ?? null,
  });
  deps.serveIpc(monitorHandlers(queries, saveDashboardExport));

  /** Connects a running monitor to the window, the tray and notifications; returns what undoes it. */
  const attach = (fresh: MonitorService): (() => void) => {
    const detachers = [
      fresh.onSnapshot((snapshot) => {
        latest = snapshot;
        deps.dashboard.send(IPC_PUSH.snapshot, snapshot);
        renderTray();
      }),
      fresh.onEvent((event) => {
        deps.dashboard.send(IPC_PUSH.event, event);
      }),
      fresh.onNotification((intent) => {
        deps.observe?.notification(intent);
        deps.notify(intent, { onFocus: (focus) => void showDashboard(focus), onControl: runControl });
      }),
    ];
    return () => {
      for (const undo of detachers) undo();
    };
  };

  const stop = async (): Promise<void> => {
    const stopping = service;
    detach();
    detach = () => undefined;
    service = null;
    // A stopped monitor's last snapshot is nobody's: a restart that fails must not keep showing it.
    latest = null;
    await stopping?.close();
  };

  const restart = async (settings: Settings, env: Env): Promise<void> => {
    deps.setLaunchAtLogin(settings.launchAtLogin);
    await stop();
    startError = null;
    try {
      // Listening before the first poll: its snapshot reaches the window and the tray, and an alert that holds at start is told.
      service = await deps.startService(settings, env, (fresh) => {
        detach = attach(fresh);
      });
    } catch (error) {
      detach();
      detach = () => undefined;
      startError = errorText(error);
      deps.report(`The monitor could not start: ${startError}`);
    }
    renderTray();
  };

  return {
    showTray: renderTray,
    themeChanged: () => {
      tray.redrawIcon();
    },
    applySettings(settings, env) {
      const next = restarts.then(() => restart(settings, env));
      restarts = next;
      started = next;
      void next.finally(settleFirstStart);
      return next;
    },
    showDashboard,
    act,
    quitting: () => isQuitting,
    stopForQuit() {
      isQuitting = true;
      return stop();
    },
  };
}
