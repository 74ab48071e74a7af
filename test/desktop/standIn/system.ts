/**
 * The stand-in's modules without a window of their own: ipcMain, nativeTheme,
 * powerMonitor, screen, safeStorage, session and shell. Each is typed against
 * the part of Electron's own interface it implements.
 */
import { EventEmitter } from 'node:events';
import type { IpcCallState } from '../../support/desktopProtocol';
import { assertReady, electronEvent, isReady, options, strict, summarize } from './runtime';

type InvokeListener = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** What a page's `ipcRenderer.invoke` gets back: the handler's value, or the error text Electron sends instead. */
export type InvokeOutcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

const IPC_CALLS_KEPT = 200;

class StandInIpcMain extends EventEmitter implements Pick<Electron.IpcMain, 'handle' | 'handleOnce' | 'removeHandler'> {
  private readonly handlers = new Map<string, InvokeListener>();
  readonly calls: IpcCallState[] = [];

  handle(channel: string, listener: InvokeListener): void {
    // Electron's own check and words: one handler per channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  handleOnce(channel: string, listener: InvokeListener): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return listener(event, ...args);
    });
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  channels(): string[] {
    return [...this.handlers.keys()];
  }

  /** A page's invoke, answered as Electron answers it: the error's text is what reaches the page. */
  async invoke(event: Electron.IpcMainInvokeEvent, channel: string, args: readonly unknown[]): Promise<InvokeOutcome> {
    const handler = this.handlers.get(channel);
    let outcome: InvokeOutcome;
    if (handler === undefined) outcome = { ok: false, error: `Error: No handler registered for '${channel}'` };
    else {
      try {
        outcome = { ok: true, value: await handler(event, ...args) };
      } catch (error) {
        outcome = { ok: false, error: String(error) };
      }
    }
    const state: IpcCallState['outcome'] = outcome.ok ? 'answered' : handler === undefined ? 'no handler' : 'threw';
    this.calls.push({ channel, outcome: state, summary: summarize(outcome.ok ? outcome.value : outcome.error) });
    if (this.calls.length > IPC_CALLS_KEPT) this.calls.shift();
    return outcome;
  }
}

export const ipcMain = strict('ipcMain', new StandInIpcMain());

type ThemeSource = Electron.NativeTheme['themeSource'];

class StandInNativeTheme
  extends EventEmitter
  implements
    Pick<
      Electron.NativeTheme,
      | 'shouldUseDarkColors'
      | 'themeSource'
      | 'shouldUseHighContrastColors'
      | 'shouldUseInvertedColorScheme'
      | 'inForcedColorsMode'
      | 'prefersReducedTransparency'
      | 'shouldUseDarkColorsForSystemIntegratedUI'
      | 'shouldDifferentiateWithoutColor'
    >
{
  private systemDark = options.darkTheme;
  private source: ThemeSource = 'system';
  private readonly watchers: (() => void)[] = [];
  readonly shouldUseHighContrastColors = false;
  readonly shouldUseInvertedColorScheme = false;
  readonly inForcedColorsMode = false;
  readonly prefersReducedTransparency = false;
  readonly shouldDifferentiateWithoutColor = false;

  get shouldUseDarkColors(): boolean {
    return this.source === 'system' ? this.systemDark : this.source === 'dark';
  }

  get shouldUseDarkColorsForSystemIntegratedUI(): boolean {
    return this.systemDark;
  }

  get themeSource(): ThemeSource {
    return this.source;
  }

  set themeSource(source: ThemeSource) {
    this.change(() => {
      this.source = source;
    });
  }

  /** The system's setting changed, as the test says. */
  setSystemDark(dark: boolean): void {
    this.change(() => {
      this.systemDark = dark;
    });
  }

  /** For the stand-in's own windows, which follow the theme without listening as the app does. */
  watch(watcher: () => void): void {
    this.watchers.push(watcher);
  }

  private change(apply: () => void): void {
    const before = this.shouldUseDarkColors;
    apply();
    if (before === this.shouldUseDarkColors) return;
    for (const watcher of this.watchers) watcher();
    this.emit('updated', electronEvent({}));
  }
}

export const nativeTheme = strict('nativeTheme', new StandInNativeTheme());

class StandInPowerMonitor
  extends EventEmitter
  implements
    Pick<
      Electron.PowerMonitor,
      'getSystemIdleState' | 'getSystemIdleTime' | 'getCurrentThermalState' | 'isOnBatteryPower' | 'onBatteryPower'
    >
{
  readonly onBatteryPower = false;
  getSystemIdleState(): 'active' {
    return 'active';
  }
  getSystemIdleTime(): number {
    return 0;
  }
  getCurrentThermalState(): 'nominal' {
    return 'nominal';
  }
  isOnBatteryPower(): boolean {
    return false;
  }
}

/** Fired by the test ('suspend', 'resume', 'shutdown', 'lock-screen', ...). */
export const powerMonitor = strict('powerMonitor', new StandInPowerMonitor());

/** One 1920x1080 display, the panel across the bottom taking 40 pixels. */
const DISPLAY = {
  id: 1,
  label: 'Stand-in display',
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  workArea: { x: 0, y: 0, width: 1920, height: 1040 },
  size: { width: 1920, height: 1080 },
  workAreaSize: { width: 1920, height: 1040 },
  scaleFactor: 1,
  rotation: 0,
  internal: false,
  monochrome: false,
  detected: true,
  accelerometerSupport: 'unknown',
  touchSupport: 'unknown',
  colorSpace: '{primaries:BT709, transfer:SRGB, matrix:RGB, range:FULL}',
  colorDepth: 24,
  depthPerComponent: 8,
  displayFrequency: 60,
  maximumCursorSize: { width: 64, height: 64 },
  nativeOrigin: { x: 0, y: 0 },
} as const satisfies Electron.Display;

// Electron creates the screen lazily and refuses to before ready.
const screenReady = (): void => {
  assertReady('Cannot create Screen object before app is ready');
};

class StandInScreen
  extends EventEmitter
  implements
    Pick<
      Electron.Screen,
      'getAllDisplays' | 'getPrimaryDisplay' | 'getDisplayMatching' | 'getDisplayNearestPoint' | 'getCursorScreenPoint'
    >
{
  getAllDisplays(): Electron.Display[] {
    screenReady();
    return [structuredClone(DISPLAY)];
  }
  getPrimaryDisplay(): Electron.Display {
    screenReady();
    return structuredClone(DISPLAY);
  }
  getDisplayMatching(): Electron.Display {
    return this.getPrimaryDisplay();
  }
  getDisplayNearestPoint(): Electron.Display {
    return this.getPrimaryDisplay();
  }
  getCursorScreenPoint(): Electron.Point {
    screenReady();
    return { x: 960, y: 540 };
  }
}

export const screen = strict('screen', new StandInScreen());

/** Not real encryption, but never the plain text: enough to see that what is stored is what was encrypted. */
const PREFIX = Buffer.from('v11');
const scramble = (bytes: Buffer): Buffer => Buffer.from(bytes.map((byte) => byte ^ 0x5a));

/** On Linux, false until ready, then whether the keyring answers. */
const available = (): boolean => isReady() && options.encryptionAvailable;

function encrypt(text: string): Buffer {
  if (!available())
    throw new Error(
      'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
    );
  return Buffer.concat([PREFIX, scramble(Buffer.from(text, 'utf8'))]);
}

function decrypt(encrypted: Buffer): string {
  if (!available())
    throw new Error(
      'Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.',
    );
  if (!encrypted.subarray(0, PREFIX.length).equals(PREFIX))
    throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
  return scramble(encrypted.subarray(PREFIX.length)).toString('utf8');
}

export const safeStorage = strict('safeStorage', {
  // The synchronous three are deprecated in Electron 45, not gone: the app may still call them.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  isEncryptionAvailable: available,
  isAsyncEncryptionAvailable: () => Promise.resolve(available()),
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  encryptString: encrypt,
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  decryptString: decrypt,
  encryptStringAsync: (text: string) => Promise.resolve().then(() => encrypt(text)),
  decryptStringAsync: (encrypted: Buffer) =>
    Promise.resolve().then(() => ({ shouldReEncrypt: false, result: decrypt(encrypted) })),
  getSelectedStorageBackend: () => (isReady() ? options.storageBackend : 'unknown'),
  setUsePlainTextEncryption: () => undefined,
} satisfies Pick<
  Electron.SafeStorage,
  | 'isEncryptionAvailable'
  | 'isAsyncEncryptionAvailable'
  | 'encryptString'
  | 'decryptString'
  | 'encryptStringAsync'
  | 'decryptStringAsync'
  | 'getSelectedStorageBackend'
  | 'setUsePlainTextEncryption'
>);

type HeadersListener = Parameters<Electron.WebRequest['onHeadersReceived']>[0];

/** The default session's handlers, kept so the state can say they were set. */
export const sessionRecord = {
  permissionRequest: null as Parameters<Electron.Session['setPermissionRequestHandler']>[0],
  permissionCheck: null as Parameters<Electron.Session['setPermissionCheckHandler']>[0],
  headersReceived: null as HeadersListener,
};

const webRequest = strict('session.defaultSession.webRequest', {
  // Recorded only: the page is a file, which Chromium serves without headers to rewrite.
  onHeadersReceived(filterOrListener: Electron.WebRequestFilter | HeadersListener, listener?: HeadersListener) {
    sessionRecord.headersReceived =
      typeof filterOrListener === 'function' || filterOrListener === null ? filterOrListener : (listener ?? null);
  },
} satisfies Pick<Electron.WebRequest, 'onHeadersReceived'>);

const permissions = {
  setPermissionRequestHandler(handler: Parameters<Electron.Session['setPermissionRequestHandler']>[0]) {
    sessionRecord.permissionRequest = handler;
  },
  setPermissionCheckHandler(handler: Parameters<Electron.Session['setPermissionCheckHandler']>[0]) {
    sessionRecord.permissionCheck = handler;
  },
  setSpellCheckerEnabled: () => undefined,
} satisfies Pick<
  Electron.Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setSpellCheckerEnabled'
>;

const defaultSession = strict('session.defaultSession', { ...permissions, webRequest });

export const session = strict('session', {
  get defaultSession() {
    assertReady('Session can only be received when app is ready');
    return defaultSession;
  },
});

export const openedExternally: string[] = [];

export const shell = strict('shell', {
  openExternal(url: string) {
    openedExternally.push(url);
    return Promise.resolve();
  },
  openPath(path: string) {
    openedExternally.push(path);
    return Promise.resolve('');
  },
  showItemInFolder(path: string) {
    openedExternally.push(path);
  },
  beep: () => undefined,
} satisfies Pick<Electron.Shell, 'openExternal' | 'openPath' | 'showItemInFolder' | 'beep'>);
