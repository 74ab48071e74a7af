/**
 * The stand-in's side of the test's channel (the child process's IPC): each
 * request is one DesktopCommand, answered by id. Also what a real Electron
 * process does that a Node one would not: it stays up until it quits, and it
 * ends if its parent (the test) is gone.
 */
import type {
  DesktopCommand,
  DesktopMessage,
  DesktopReplies,
  DesktopRequest,
  DesktopState,
} from '../../support/desktopProtocol';
import { app } from './app';
import {
  answerDialog,
  applicationMenuState,
  clickNotification,
  clickTray,
  dialogStates,
  notificationStates,
  trayStates,
} from './nativeUi';
import { electronEvent, isReady } from './runtime';
import { ipcMain, nativeTheme, openedExternally, powerMonitor, screen, sessionRecord } from './system';
import { StandInWindow, windowStates } from './window';

const send = (message: DesktopMessage): void => {
  process.send?.(message);
};

function state(): DesktopState {
  return {
    ready: isReady(),
    quitting: app.quitting,
    trays: trayStates(),
    applicationMenu: applicationMenuState(),
    windows: windowStates(),
    notifications: notificationStates(),
    dialogs: dialogStates(),
    ipcHandlers: ipcMain.channels(),
    ipcCalls: [...ipcMain.calls],
    loginItemSettings: [...app.loginItemSettings],
    loginItemQueries: [...app.loginItemQueries],
    appUserModelId: app.appUserModelId,
    openedExternally: [...openedExternally],
    theme: { shouldUseDarkColors: nativeTheme.shouldUseDarkColors, themeSource: nativeTheme.themeSource },
    session: {
      permissionRequestHandler: sessionRecord.permissionRequest !== null,
      permissionCheckHandler: sessionRecord.permissionCheck !== null,
      headersReceived: sessionRecord.headersReceived !== null,
    },
  };
}

const emitters = { app, powerMonitor, nativeTheme, screen } as const;

const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

type Handlers = {
  readonly [K in DesktopCommand['type']]: (
    command: Extract<DesktopCommand, { type: K }>,
  ) => DesktopReplies[K] | Promise<DesktopReplies[K]>;
};

const handlers: Handlers = {
  state,
  clickTray: ({ path }) => {
    clickTray(path);
    return null;
  },
  clickNotification: ({ title, action }) => clickNotification(title, action),
  answerDialog: ({ answer }) => {
    answerDialog(answer);
    return null;
  },
  emit: ({ target, event, args }) => {
    const electronEventObject = electronEvent({});
    emitters[target].emit(event, electronEventObject, ...args);
    return { prevented: electronEventObject.defaultPrevented };
  },
  setTheme: ({ dark }) => {
    nativeTheme.setSystemDark(dark);
    return null;
  },
  closeWindow: ({ id }) => {
    const window = StandInWindow.fromId(id);
    if (!window) throw new Error(`no open window ${id}`);
    return { closed: window.close() };
  },
  gc: async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('run the app with node --expose-gc');
    // WeakRefs read in this turn stay alive to its end: collect on later turns.
    await nextTurn();
    gc();
    await nextTurn();
    gc();
    return null;
  },
  quit: () => {
    app.quit();
    return null;
  },
};

async function answer(request: DesktopRequest): Promise<void> {
  try {
    const handler = handlers[request.command.type] as (command: DesktopCommand) => unknown;
    send({ kind: 'reply', id: request.id, ok: true, value: await handler(request.command) });
  } catch (error) {
    send({ kind: 'reply', id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}

process.on('message', (request: DesktopRequest) => void answer(request));
// The test is gone, so is its Chromium: end as a killed app would, leaving nothing behind.
process.on('disconnect', () => {
  process.exit(1);
});
// Electron's main process lives until it quits, whatever its event loop holds.
setInterval(() => undefined, 1 << 30);

void app.whenReady().then(() => {
  send({ kind: 'ready' });
});
