/**
 * What the desktop harness (test/support/desktopHarness.ts, in the test) and
 * the Electron stand-in (test/desktop/standIn/, in the app's process) say to
 * each other over the child's IPC channel. The channel uses Node's "advanced"
 * serialization (structured clone), so RegExps and undefined cross it intact.
 */
import type { LoginItemSettingsOptions, Rectangle, Settings } from 'electron';

/** A label to find: exactly this text, or any text the pattern matches. */
export type Matcher = string | RegExp;

/** How the test answers a native dialog, as the user would. */
export type DialogAnswer =
  | { readonly kind: 'messageBox'; readonly response: number; readonly checkboxChecked?: boolean }
  /** `null`: the user cancelled. */
  | { readonly kind: 'save'; readonly filePath: string | null }
  | { readonly kind: 'open'; readonly filePaths: readonly string[] | null };

/** The stand-in's emitters a test may fire an event on, as the system would. */
export type EmitTarget = 'app' | 'powerMonitor' | 'nativeTheme' | 'screen';

export type DesktopCommand =
  | { readonly type: 'state' }
  /** Clicks a tray menu item by its labels from the top: a submenu's label, then the item's. */
  | { readonly type: 'clickTray'; readonly path: readonly Matcher[] }
  /** Clicks the newest shown notification (whose title matches, if given), or its action button. */
  | { readonly type: 'clickNotification'; readonly title?: Matcher; readonly action?: number }
  /** Answers the oldest open dialog of its kind, or the next one to open. */
  | { readonly type: 'answerDialog'; readonly answer: DialogAnswer }
  /**
   * Emits an event with a fresh Electron `Event` (with `preventDefault`) before `args`, as Electron's own events come.
   */
  | { readonly type: 'emit'; readonly target: EmitTarget; readonly event: string; readonly args: readonly unknown[] }
  /** The system's light or dark setting changes. */
  | { readonly type: 'setTheme'; readonly dark: boolean }
  /** The user clicks the window's close button. */
  | { readonly type: 'closeWindow'; readonly id: number }
  /** A full garbage collection, as may happen at any moment in the app. */
  | { readonly type: 'gc' }
  /** The system asks the app to quit (a log-out, SIGTERM): `app.quit()`. */
  | { readonly type: 'quit' };

export interface DesktopReplies {
  readonly state: DesktopState;
  readonly clickTray: null;
  readonly clickNotification: { readonly delivered: true } | { readonly delivered: false; readonly reason: string };
  readonly answerDialog: null;
  readonly emit: { readonly prevented: boolean };
  readonly setTheme: null;
  /** False when a `close` listener prevented it. */
  readonly closeWindow: { readonly closed: boolean };
  readonly gc: null;
  readonly quit: null;
}

export interface DesktopRequest {
  readonly id: number;
  readonly command: DesktopCommand;
}

/** The answer to one request; `ready` is said once, unasked, when the app is ready. */
export type DesktopMessage =
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly kind: 'ready' };

/** What the harness tells the stand-in at start, in the ELECTRON_STAND_IN variable. */
export interface StandInOptions {
  /** The Chromium every BrowserWindow opens a page in. */
  readonly cdpEndpoint: string;
  /** `app.getAppPath()`: the folder with the app's package.json. */
  readonly appPath: string;
  /** The home folder `app.getPath` derives Downloads and the like from; a temporary one in tests. */
  readonly homeDir: string;
  /** Scripts every window's page runs before its own, e.g. to watch what it shows from the very first paint. */
  readonly pageScripts: readonly string[];
  /** What `app.requestSingleInstanceLock()` answers: false as if another instance held it. */
  readonly singleInstanceLock: boolean;
  readonly darkTheme: boolean;
  readonly storageBackend: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6';
  readonly encryptionAvailable: boolean;
}

export interface MenuItemState {
  readonly label: string;
  readonly type: string;
  readonly enabled: boolean;
  readonly visible: boolean;
  readonly checked: boolean;
  readonly submenu: readonly MenuItemState[] | null;
}

export interface TrayState {
  /** The image file shown now, or null for an image not made from a file. */
  readonly image: string | null;
  /** Every image it showed, in order, the first included. */
  readonly images: readonly (string | null)[];
  readonly tooltip: string;
  readonly title: string;
  readonly menu: readonly MenuItemState[] | null;
  readonly destroyed: boolean;
  /** Garbage-collected because nothing held it: gone from the screen, as in Electron. */
  readonly collected: boolean;
}

export interface WindowState {
  readonly id: number;
  readonly webContentsId: number;
  /** The page's target in Chromium, so the test can find the same page over CDP. */
  readonly targetId: string | null;
  readonly url: string;
  readonly title: string;
  readonly visible: boolean;
  readonly focused: boolean;
  readonly minimized: boolean;
  readonly destroyed: boolean;
  /** How many times `show()` was called. */
  readonly shows: number;
  readonly bounds: Rectangle;
  readonly webPreferences: Readonly<Record<string, unknown>>;
  /** Pushes by channel: delivered to a page listener, or lost (no listener yet, or no page). */
  readonly pushes: Readonly<Record<string, { readonly delivered: number; readonly lost: number }>>;
  /** URLs the page tried to open in a new window, with what the window-open handler decided. */
  readonly opened: readonly { readonly url: string; readonly action: string }[];
  /** Uncaught errors and console errors of the page. */
  readonly errors: readonly string[];
}

export interface NotificationState {
  readonly title: string;
  readonly body: string;
  readonly urgency: string | null;
  readonly silent: boolean;
  readonly actions: readonly string[];
  readonly clicks: number;
  /** Garbage-collected because nothing held it: a click on it is lost, as in Electron. */
  readonly collected: boolean;
}

export interface DialogState {
  readonly kind: 'messageBox' | 'save' | 'open' | 'error';
  /** The window it is attached to, if any. */
  readonly window: number | null;
  /** What it showed: for a message box `message`, `detail`, `buttons` and the like. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly answer: DialogAnswer | null;
}

export interface IpcCallState {
  readonly channel: string;
  /** `answered` with the handler's value, `threw`, or `no handler`: what the page's invoke got. */
  readonly outcome: 'answered' | 'threw' | 'no handler';
  /** The start of the value or error as JSON, to say what the page got. */
  readonly summary: string;
}

export interface DesktopState {
  readonly ready: boolean;
  readonly quitting: boolean;
  readonly trays: readonly TrayState[];
  /** `undefined` until `Menu.setApplicationMenu` is called. */
  readonly applicationMenu: readonly MenuItemState[] | null | undefined;
  readonly windows: readonly WindowState[];
  readonly notifications: readonly NotificationState[];
  readonly dialogs: readonly DialogState[];
  readonly ipcHandlers: readonly string[];
  /** The latest invokes from pages, oldest first. */
  readonly ipcCalls: readonly IpcCallState[];
  readonly loginItemSettings: readonly Settings[];
  readonly loginItemQueries: readonly (LoginItemSettingsOptions | undefined)[];
  readonly appUserModelId: string | null;
  readonly openedExternally: readonly string[];
  readonly theme: { readonly shouldUseDarkColors: boolean; readonly themeSource: string };
  readonly session: {
    readonly permissionRequestHandler: boolean;
    readonly permissionCheckHandler: boolean;
    readonly headersReceived: boolean;
  };
}
