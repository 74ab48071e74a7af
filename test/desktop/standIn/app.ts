/**
 * Electron's `app`: ready once the stand-in reaches Chromium, paths under the
 * harness's temporary folders, the single-instance lock, login items, and
 * quitting in Electron's order: `before-quit` (preventable), each window's
 * `close` (preventable), `will-quit` (preventable), `quit`, then the process
 * ends with code 0.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browser, electronEvent, isReady, markReady, options, strict } from './runtime';
import { StandInWindow, whenAllWindowsClosed } from './window';

type PathName = Parameters<Electron.App['getPath']>[0];

const pkg = JSON.parse(readFileSync(join(options.appPath, 'package.json'), 'utf8')) as {
  name?: string;
  productName?: string;
  version?: string;
};

/** `--user-data-dir=...` as Electron honours it, else where Electron would put it under the (temporary) home. */
function userDataDir(): string {
  const flag = process.argv.find((arg) => arg.startsWith('--user-data-dir='));
  return (
    flag?.slice('--user-data-dir='.length) ??
    join(options.homeDir, '.config', pkg.productName ?? pkg.name ?? 'Electron')
  );
}

const DEFAULT_LOGIN_ITEM: Electron.LoginItemSettings = {
  openAtLogin: false,
  wasOpenedAtLogin: false,
  status: 'not-registered',
  executableWillLaunchAtLogin: false,
  launchItems: [],
};

class StandInCommandLine implements Pick<
  Electron.CommandLine,
  'appendSwitch' | 'appendArgument' | 'hasSwitch' | 'getSwitchValue' | 'removeSwitch'
> {
  private readonly switches = new Map<string, string>();
  appendSwitch(name: string, value = ''): void {
    this.switches.set(name, value);
  }
  appendArgument(): void {
    // Chromium's own arguments mean nothing to the page the stand-in drives.
  }
  hasSwitch(name: string): boolean {
    return this.switches.has(name);
  }
  getSwitchValue(name: string): string {
    return this.switches.get(name) ?? '';
  }
  removeSwitch(name: string): void {
    this.switches.delete(name);
  }
}

type AppMethods =
  | 'whenReady'
  | 'isReady'
  | 'quit'
  | 'exit'
  | 'getPath'
  | 'setPath'
  | 'getAppPath'
  | 'getName'
  | 'setName'
  | 'getVersion'
  | 'getLocale'
  | 'focus'
  | 'relaunch'
  | 'disableHardwareAcceleration'
  | 'requestSingleInstanceLock'
  | 'hasSingleInstanceLock'
  | 'releaseSingleInstanceLock'
  | 'setLoginItemSettings'
  | 'getLoginItemSettings'
  | 'setAppUserModelId'
  | 'isPackaged'
  | 'dock'
  | 'name';

class StandInApp extends EventEmitter implements Pick<Electron.App, AppMethods> {
  readonly isPackaged = false;
  /** macOS only: undefined elsewhere, as in Electron. */
  readonly dock = undefined;
  readonly commandLine = new StandInCommandLine();
  name = pkg.productName ?? pkg.name ?? 'Electron';
  readonly loginItemSettings: Electron.Settings[] = [];
  readonly loginItemQueries: (Electron.LoginItemSettingsOptions | undefined)[] = [];
  appUserModelId: string | null = null;
  quitting = false;
  private readonly paths = new Map<string, string>();
  private lock = false;
  private exiting = false;
  private readonly ready: Promise<void>;

  constructor() {
    super();
    this.ready = browser.then(() => {
      markReady();
      this.emit('will-finish-launching', electronEvent({}));
      this.emit('ready', electronEvent({}), {});
    });
  }

  whenReady(): Promise<void> {
    return this.ready;
  }
  isReady(): boolean {
    return isReady();
  }

  getPath(name: PathName): string {
    const set = this.paths.get(name);
    if (set !== undefined) return set;
    const home = options.homeDir;
    const userData = userDataDir();
    const paths: Partial<Record<PathName, string>> = {
      home,
      appData: join(home, '.config'),
      userData,
      sessionData: userData,
      temp: tmpdir(),
      exe: process.execPath,
      module: process.execPath,
      desktop: join(home, 'Desktop'),
      documents: join(home, 'Documents'),
      downloads: join(home, 'Downloads'),
      music: join(home, 'Music'),
      pictures: join(home, 'Pictures'),
      videos: join(home, 'Videos'),
      logs: join(userData, 'logs'),
      crashDumps: join(userData, 'Crashpad'),
    };
    const path = paths[name];
    // Electron's words for a name it has no path for here ('recent' is Windows' and macOS').
    if (path === undefined) throw new Error(`Failed to get '${name}' path`);
    return path;
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  getAppPath(): string {
    return options.appPath;
  }
  getName(): string {
    return this.name;
  }
  setName(name: string): void {
    this.name = name;
  }
  getVersion(): string {
    return pkg.version ?? '0.0.0';
  }
  getLocale(): string {
    return 'en-US';
  }
  focus(): void {
    // Nothing to focus headless.
  }
  relaunch(): void {
    // Recorded nowhere: a test that needs it should launch the app again.
  }
  disableHardwareAcceleration(): void {
    // The page is drawn by the test's Chromium, as it was launched.
  }

  /** The harness says whether another instance holds it; a second launch is simulated by emitting `second-instance`. */
  requestSingleInstanceLock(): boolean {
    this.lock = options.singleInstanceLock;
    return this.lock;
  }
  hasSingleInstanceLock(): boolean {
    return this.lock;
  }
  releaseSingleInstanceLock(): void {
    this.lock = false;
  }

  setLoginItemSettings(settings: Electron.Settings): void {
    this.loginItemSettings.push(settings);
  }
  getLoginItemSettings(query?: Electron.LoginItemSettingsOptions): Electron.LoginItemSettings {
    this.loginItemQueries.push(query);
    const last = this.loginItemSettings.at(-1);
    return {
      ...DEFAULT_LOGIN_ITEM,
      ...(last?.openAtLogin === undefined
        ? {}
        : { openAtLogin: last.openAtLogin, status: last.openAtLogin ? 'enabled' : 'not-registered' }),
    };
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }

  quit(): void {
    if (this.exiting) return;
    // `before-quit` comes at once; the windows are closed after, as Electron's message loop does.
    const beforeQuit = electronEvent({});
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    this.quitting = true;
    setImmediate(() => {
      this.closeWindowsThenQuit();
    });
  }

  private closeWindowsThenQuit(): void {
    for (const window of StandInWindow.getAllWindows()) {
      // A window that refuses to close cancels the quit.
      if (!window.close()) {
        this.quitting = false;
        return;
      }
    }
    const willQuit = electronEvent({});
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.quitting = false;
      return;
    }
    this.emit('quit', electronEvent({}), 0);
    this.exit(0);
  }

  /** Ends at once, with no events, as Electron's does. */
  exit(code = 0): void {
    this.exiting = true;
    for (const window of StandInWindow.getAllWindows()) window.destroy();
    process.exit(code);
  }

  /** The last window closed outside a quit: Electron quits unless the app listens for `window-all-closed`. */
  allWindowsClosed(): void {
    if (this.quitting || this.exiting) return;
    if (this.listenerCount('window-all-closed') === 0) this.quit();
    else this.emit('window-all-closed', electronEvent({}));
  }
}

export const app = strict('app', new StandInApp());

whenAllWindowsClosed(() => {
  app.allWindowsClosed();
});

// Electron quits gracefully on SIGTERM and SIGINT, as on a log-out.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    app.quit();
  });
}
