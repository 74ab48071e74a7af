import type { CommandRequest } from '../../shared/commands';
import { errorText } from '../../shared/errorText';
import { startFailure } from '../../shared/startFailure';
import type { FocusTarget } from '../../shared/focus';
import { IPC_PUSH } from '../../shared/ipcChannels';
import type { Snapshot } from '../../shared/model';
import type { Settings } from '../../shared/settings';
import type { NotificationIntent } from '../core/alerts/engine';
import type { Logger } from '../core/logger';
import { trayModel, type TrayAction, type TrayModel } from '../core/views/trayModel';
import { saveExport } from '../export/saveExport';
import type { MonitorService } from '../monitor/monitorService';
import { Unavailable } from '../monitor/unavailable';
import { runConfirmedControl, type ControlHost } from './confirmedControl';
import { StartQueue } from './startQueue';
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
  /**
   * Starts the monitor these settings describe (ECHO as configured, or the demo), handing it to `listen` before its
   * first poll.
   */
  readonly startService: (
    settings: Settings,
    env: Env,
    listen: (service: MonitorService) => void,
  ) => Promise<MonitorService>;
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
  /** The desktop's log: what went wrong, each notification shown, and (at debug) the tray's title as it changes. */
  readonly log: Logger;
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

/** A monitor connected to the window, the tray and notifications, and the latest snapshot it handed over. */
interface Attached {
  readonly service: MonitorService;
  latest: Snapshot | null;
  readonly detach: () => void;
}

/**
 * Where the desktop's monitor stands, each phase holding exactly what it has:
 * a monitor is attached before its first poll (so that poll's snapshot is
 * shown), answers questions only once its start has returned, and a start
 * that failed keeps only why.
 */
type MonitorState =
  | { readonly phase: 'starting'; readonly attached: Attached | null }
  | { readonly phase: 'running'; readonly attached: Attached }
  | { readonly phase: 'failed'; readonly error: string };

/**
 * The desktop app's state and behaviour in one object: the running monitor,
 * the latest snapshot it handed over, and what the tray, the window and
 * notifications show of it. Snapshots flow one way, from the monitor's
 * listener to the window and the tray; nothing asks the monitor again.
 */
export function createDesktopHost(deps: DesktopDeps): DesktopHost {
  let state: MonitorState = { phase: 'starting', attached: null };
  let isQuitting = false;
  let shownTitle: string | null = null;
  const starts = new StartQueue();

  const latest = (): Snapshot | null => (state.phase === 'failed' ? null : (state.attached?.latest ?? null));
  const runningService = (): MonitorService | null => (state.phase === 'running' ? state.attached.service : null);
  const running = (): MonitorService => {
    if (state.phase === 'running') return state.attached.service;
    throw new Unavailable(state.phase === 'failed' ? startFailure(state.error) : 'the monitor is starting');
  };
  /** Waits for the monitor starting now, then answers from it; a monitor that could not start says why. */
  const once = async <T>(answer: (service: MonitorService) => T): Promise<T> => {
    // A save may restart the monitor meanwhile: wait until no newer start is under way.
    await starts.settled();
    return answer(running());
  };

  const controlHost: ControlHost = {
    ...deps.controls,
    latestSnapshot: latest,
    send: (request) => running().sendCommand(request),
  };
  const runControl = (request: CommandRequest): void => {
    runConfirmedControl(controlHost, request).catch((error: unknown) => {
      deps.log.error(`A control could not be run: ${errorText(error)}`);
    });
  };

  const showDashboard = (focus?: FocusTarget | null): Promise<void> => deps.dashboard.show(focus);
  const tray = deps.createTray({
    onAction: (action) => {
      act(action);
    },
    onFocus: (target) => void showDashboard(target),
    onControl: runControl,
  });
  const renderTray = (): void => {
    const model = trayModel({
      snapshot: latest(),
      startError: state.phase === 'failed' ? state.error : null,
      snoozedUntil: runningService()?.snoozedUntil() ?? null,
      now: deps.now(),
      formatTime: deps.formatTime,
    });
    tray.render(model);
    // Kept for whoever reads the log later, and how the end-to-end tests see the tray Electron draws.
    if (model.title !== shownTitle) deps.log.debug(`tray: ${model.title}`);
    shownTitle = model.title;
  };

  function act(action: TrayAction): void {
    switch (action) {
      case 'open':
        void showDashboard();
        break;
      case 'snooze-hour':
        runningService()?.snooze(new Date(deps.now() + 3_600_000).toISOString());
        break;
      case 'snooze-tomorrow':
        runningService()?.snooze(new Date(tomorrowMorning(new Date(deps.now()))).toISOString());
        break;
      case 'resume':
        runningService()?.resumeNotifications();
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
    getSnapshot: () => once(latest),
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
    sources: () => runningService()?.exports ?? null,
  });
  deps.serveIpc(monitorHandlers(queries, saveDashboardExport));

  /** Connects a monitor to the window, the tray and notifications, before its first poll. */
  const attach = (fresh: MonitorService): Attached => {
    const detachers: (() => void)[] = [];
    const attached: Attached = {
      service: fresh,
      latest: null,
      detach: () => {
        for (const undo of detachers) undo();
      },
    };
    detachers.push(
      fresh.onSnapshot((snapshot) => {
        attached.latest = snapshot;
        deps.dashboard.send(IPC_PUSH.snapshot, snapshot);
        renderTray();
      }),
      fresh.onEvent((event) => {
        deps.dashboard.send(IPC_PUSH.event, event);
      }),
      fresh.onNotification((intent) => {
        deps.log.info(`notified: ${intent.title}: ${intent.body}`);
        deps.notify(intent, { onFocus: (focus) => void showDashboard(focus), onControl: runControl });
      }),
    );
    return attached;
  };

  /**
   * Disconnects and closes the monitor; its last snapshot is nobody's, so a restart that fails does not keep showing
   * it.
   */
  const stop = async (): Promise<void> => {
    const stopping = state.phase === 'failed' ? null : state.attached;
    stopping?.detach();
    state = { phase: 'starting', attached: null };
    await stopping?.service.close();
  };

  const restart = async (settings: Settings, env: Env): Promise<void> => {
    deps.setLaunchAtLogin(settings.launchAtLogin);
    await stop();
    try {
      // Listening before the first poll: its snapshot reaches the window and the tray, and an alert that holds at start
      // is told.
      const service = await deps.startService(settings, env, (fresh) => {
        state = { phase: 'starting', attached: attach(fresh) };
      });
      const attached =
        state.phase === 'starting' && state.attached?.service === service ? state.attached : attach(service);
      state = { phase: 'running', attached };
    } catch (error) {
      if (state.phase === 'starting') state.attached?.detach();
      state = { phase: 'failed', error: errorText(error) };
      deps.log.error(`The monitor could not start: ${state.error}`);
    }
    renderTray();
  };

  return {
    showTray: renderTray,
    themeChanged: () => {
      tray.redrawIcon();
    },
    applySettings: (settings, env) => starts.run(() => restart(settings, env)),
    showDashboard,
    act,
    quitting: () => isQuitting,
    stopForQuit() {
      isQuitting = true;
      return stop();
    },
  };
}
