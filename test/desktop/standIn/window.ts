/**
 * BrowserWindow and its webContents: each window is a page of the test's
 * Chromium, opened over CDP. The page runs the window's real preload before
 * its own scripts (pageBridge.ts); the preload's invokes reach ipcMain
 * through a Playwright binding, and `webContents.send` reaches the preload's
 * listeners through `page.evaluate`. Visibility and focus are recorded, not
 * drawn: headless Chromium has no windows to show.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Frame, Page } from 'playwright-core';
import type { WindowState } from '../../support/desktopProtocol';
import { PAGE_NAMES, preloadInitScript } from './pageBridge';
import { assertReady, browser, electronEvent, options, strict } from './runtime';
import { ipcMain, nativeTheme, type InvokeOutcome } from './system';

const windows = new Set<StandInWindow>();
/** Closed windows too, for the state: Electron forgets them, the test may not. */
const closedWindows: StandInWindow[] = [];
/** The focused window's id: one window at most has the focus. */
let focusedId: number | null = null;
let lastWindowId = 0;
let lastContentsId = 0;
let onAllClosed: () => void = () => undefined;

/** The app module decides what the last window closing means (quit, or emit `window-all-closed`). */
export function whenAllWindowsClosed(listener: () => void): void {
  onAllClosed = listener;
}

function destroyedError(): TypeError {
  return new TypeError('Object has been destroyed');
}

async function targetIdOf(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { targetInfo } = await cdp.send('Target.getTargetInfo');
    return targetInfo.targetId;
  } finally {
    await cdp.detach();
  }
}

const colorScheme = (): 'dark' | 'light' => (nativeTheme.shouldUseDarkColors ? 'dark' : 'light');

// Electron's pages follow the native theme's `prefers-color-scheme`.
nativeTheme.watch(() => {
  for (const window of windows)
    void window.page.then((page) => page.emulateMedia({ colorScheme: colorScheme() })).catch(() => undefined);
});

class StandInWebContents
  extends EventEmitter
  implements
    Pick<
      Electron.WebContents,
      | 'id'
      | 'send'
      | 'setWindowOpenHandler'
      | 'getURL'
      | 'getTitle'
      | 'isDestroyed'
      | 'isLoading'
      | 'reload'
      | 'focus'
      | 'openDevTools'
      | 'closeDevTools'
      | 'isDevToolsOpened'
    >
{
  readonly id = ++lastContentsId;
  readonly pushes: Record<string, { delivered: number; lost: number }> = {};
  readonly opened: { url: string; action: string }[] = [];
  private openHandler: ((details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse) | null = null;
  private delivery: Promise<void> = Promise.resolve();
  private url = '';
  private title = '';
  loading = false;

  constructor(private readonly window: StandInWindow) {
    super();
  }

  /** Delivered in order, once the page exists; lost, as in Electron, when no preload listener has it yet. */
  send(channel: string, ...args: unknown[]): void {
    if (this.window.isDestroyed()) throw destroyedError();
    const counts = (this.pushes[channel] ??= { delivered: 0, lost: 0 });
    this.delivery = this.delivery
      .then(async () => {
        const page = await this.window.page;
        const delivered = await page.evaluate(
          ([name, sent, values]) => {
            const deliver = (globalThis as Record<string, unknown>)[name];
            return (
              typeof deliver === 'function' && (deliver as (channel: string, args: unknown[]) => boolean)(sent, values)
            );
          },
          [PAGE_NAMES.deliver, channel, args] as const,
        );
        counts[delivered ? 'delivered' : 'lost'] += 1;
      })
      .catch(() => {
        counts.lost += 1;
      });
  }

  setWindowOpenHandler(handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse): void {
    this.openHandler = handler;
  }

  /** A page's window.open: Chromium has opened it already, so a denied one is closed at once. */
  async popupOpened(popup: Page): Promise<void> {
    const url = popup.url();
    const response = this.openHandler?.({
      url,
      frameName: '',
      features: '',
      disposition: 'new-window',
      referrer: { url: this.url, policy: 'strict-origin-when-cross-origin' },
    }) ?? { action: 'allow' };
    this.opened.push({ url, action: response.action });
    if (response.action === 'deny') await popup.close();
  }

  loaded(url: string, title: string): void {
    this.url = url;
    this.title = title;
  }

  getURL(): string {
    return this.url;
  }
  getTitle(): string {
    return this.title;
  }
  isDestroyed(): boolean {
    return this.window.isDestroyed();
  }
  isLoading(): boolean {
    return this.loading;
  }
  /** Loads the page again, its preload first, as after a crash. */
  reload(): void {
    if (this.window.isDestroyed()) throw destroyedError();
    this.emit('did-start-loading', electronEvent({}));
    void this.window.page
      .then((page) => page.reload({ waitUntil: 'load' }))
      .then(() => this.emit('did-finish-load', electronEvent({})))
      .catch(() => undefined);
  }
  focus(): void {
    this.window.focus();
  }
  openDevTools(): void {
    // Nothing to open headless.
  }
  closeDevTools(): void {
    // Nothing to close headless.
  }
  isDevToolsOpened(): boolean {
    return false;
  }
}

type WindowMethods =
  | 'id'
  | 'show'
  | 'hide'
  | 'focus'
  | 'blur'
  | 'isVisible'
  | 'isFocused'
  | 'isMinimized'
  | 'minimize'
  | 'restore'
  | 'close'
  | 'destroy'
  | 'isDestroyed'
  | 'getBounds'
  | 'setBounds'
  | 'getNormalBounds'
  | 'getTitle'
  | 'setTitle'
  | 'loadFile'
  | 'loadURL';

export class StandInWindow extends EventEmitter implements Pick<Electron.BrowserWindow, WindowMethods> {
  static getAllWindows(): StandInWindow[] {
    return [...windows];
  }
  static getFocusedWindow(): StandInWindow | null {
    return [...windows].find((window) => window.id === focusedId) ?? null;
  }
  static fromWebContents(contents: unknown): StandInWindow | null {
    return [...windows].find((window) => window.webContents === contents) ?? null;
  }
  static fromId(id: number): StandInWindow | null {
    return [...windows].find((window) => window.id === id) ?? null;
  }

  readonly id = ++lastWindowId;
  readonly webContents: StandInWebContents;
  /** The window's page; made at once, as Electron makes its renderer. */
  readonly page: Promise<Page>;
  readonly errors: string[] = [];
  private targetId: string | null = null;
  private bounds: Electron.Rectangle;
  private title: string;
  private visible: boolean;
  private minimized = false;
  private destroyed = false;
  private shownReady = false;
  private shows = 0;
  private readonly webPreferences: Electron.WebPreferences;

  constructor(windowOptions: Electron.BrowserWindowConstructorOptions = {}) {
    assertReady('Cannot create BrowserWindow before app is ready');
    super();
    const width = windowOptions.width ?? 800;
    const height = windowOptions.height ?? 600;
    // Centred on the one 1920x1080 display unless placed.
    this.bounds = {
      x: windowOptions.x ?? Math.round((1920 - width) / 2),
      y: windowOptions.y ?? Math.round((1080 - height) / 2),
      width,
      height,
    };
    this.title = windowOptions.title ?? 'Electron';
    this.webPreferences = windowOptions.webPreferences ?? {};
    this.visible = false;
    this.webContents = new StandInWebContents(this);
    windows.add(this);
    this.page = this.openPage();
    // The page's failure shows when loading it; no unhandled rejection meanwhile.
    this.page.catch(() => undefined);
    if (windowOptions.show ?? true) this.show();
  }

  private async openPage(): Promise<Page> {
    const context = (await browser).contexts()[0];
    if (!context) throw new Error('the stand-in found no browser context in Chromium');
    const page = await context.newPage();
    this.targetId = await targetIdOf(page);
    await page.setViewportSize({ width: this.bounds.width, height: this.bounds.height });
    await page.emulateMedia({ colorScheme: colorScheme() });
    await page.exposeBinding(PAGE_NAMES.invoke, (source: { frame: Frame }, channel: unknown, args: unknown) =>
      this.invoke(source.frame, String(channel), Array.isArray(args) ? (args as unknown[]) : []),
    );
    for (const script of options.pageScripts) await page.addInitScript({ content: script });
    const preload = this.preloadSource();
    if (preload !== null) await page.addInitScript({ content: preloadInitScript(preload) });
    page.on('pageerror', (error) => this.errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(message.text());
    });
    page.on('crash', () =>
      this.webContents.emit('render-process-gone', electronEvent({}), { reason: 'crashed', exitCode: 0 }),
    );
    page.on('popup', (popup) => void this.webContents.popupOpened(popup));
    page.on('domcontentloaded', () => this.webContents.emit('dom-ready', electronEvent({})));
    return page;
  }

  /** The preload's text; Electron logs a missing one in the page's console and goes on without it. */
  private preloadSource(): string | null {
    const path = this.webPreferences.preload;
    if (path === undefined) return null;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      this.errors.push(`Unable to load preload script: ${path}`);
      return null;
    }
  }

  /** A page's invoke, with the event Electron gives its handler: who sent it, from which frame. */
  private invoke(frame: Frame, channel: string, args: unknown[]): Promise<InvokeOutcome> {
    const senderFrame = strict('senderFrame', {
      url: frame.url(),
      name: frame.name(),
      origin: new URL(frame.url()).origin,
    });
    const event = {
      ...electronEvent({}),
      sender: this.webContents,
      senderFrame,
      frameId: 1,
      processId: 1,
      type: 'frame' as const,
    };
    // Only the parts above exist; `strict` makes any other part of WebFrameMain throw with its name.
    return ipcMain.invoke(event as unknown as Electron.IpcMainInvokeEvent, channel, args);
  }

  private alive(): void {
    if (this.destroyed) throw destroyedError();
  }

  loadFile(filePath: string): Promise<void> {
    return this.loadURL(pathToFileURL(resolve(options.appPath, filePath)).href);
  }

  /** Resolves once the page has loaded, its scripts (and their first invokes) run, as Electron's does. */
  async loadURL(url: string): Promise<void> {
    this.alive();
    const page = await this.page;
    this.webContents.loading = true;
    this.webContents.emit('did-start-loading', electronEvent({}));
    try {
      await page.goto(url, { waitUntil: 'load' });
    } catch (error) {
      this.webContents.emit('did-fail-load', electronEvent({}), -2, String(error), url);
      throw new Error(`Failed to load ${url}: ${String(error)}`, { cause: error });
    } finally {
      this.webContents.loading = false;
    }
    this.webContents.loaded(page.url(), await page.title());
    if (!this.shownReady) {
      this.shownReady = true;
      this.emit('ready-to-show', electronEvent({}));
    }
    this.webContents.emit('did-finish-load', electronEvent({}));
  }

  show(): void {
    this.alive();
    const wasVisible = this.visible;
    this.visible = true;
    this.minimized = false;
    this.shows += 1;
    if (!wasVisible) this.emit('show', electronEvent({}));
    this.focus();
  }

  hide(): void {
    this.alive();
    if (!this.visible) return;
    this.visible = false;
    if (focusedId === this.id) focusedId = null;
    this.emit('hide', electronEvent({}));
  }

  focus(): void {
    this.alive();
    if (focusedId === this.id) return;
    StandInWindow.getFocusedWindow()?.emit('blur', electronEvent({}));
    focusedId = this.id;
    this.emit('focus', electronEvent({}));
  }

  blur(): void {
    this.alive();
    if (focusedId !== this.id) return;
    focusedId = null;
    this.emit('blur', electronEvent({}));
  }

  isVisible(): boolean {
    this.alive();
    return this.visible;
  }
  isFocused(): boolean {
    this.alive();
    return focusedId === this.id;
  }
  isMinimized(): boolean {
    this.alive();
    return this.minimized;
  }
  minimize(): void {
    this.alive();
    this.minimized = true;
    this.blur();
    this.emit('minimize', electronEvent({}));
  }
  restore(): void {
    this.alive();
    const wasMinimized = this.minimized;
    this.minimized = false;
    this.visible = true;
    if (wasMinimized) this.emit('restore', electronEvent({}));
  }

  /** As the user's click on the close button: `close` may be prevented; true when the window closed. */
  close(): boolean {
    if (this.destroyed) return true;
    const event = electronEvent({});
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    if (focusedId === this.id) focusedId = null;
    windows.delete(this);
    closedWindows.push(this);
    void this.page.then((page) => page.close()).catch(() => undefined);
    this.emit('closed', electronEvent({}));
    this.webContents.emit('destroyed', electronEvent({}));
    if (windows.size === 0) onAllClosed();
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  getBounds(): Electron.Rectangle {
    this.alive();
    return { ...this.bounds };
  }
  getNormalBounds(): Electron.Rectangle {
    return this.getBounds();
  }
  setBounds(bounds: Partial<Electron.Rectangle>): void {
    this.alive();
    this.bounds = { ...this.bounds, ...bounds };
    const { width, height } = this.bounds;
    void this.page.then((page) => page.setViewportSize({ width, height })).catch(() => undefined);
  }

  getTitle(): string {
    this.alive();
    return this.title;
  }
  setTitle(title: string): void {
    this.alive();
    this.title = title;
  }

  state(): WindowState {
    return {
      id: this.id,
      webContentsId: this.webContents.id,
      targetId: this.targetId,
      url: this.webContents.getURL(),
      title: this.title,
      visible: this.visible,
      focused: focusedId === this.id,
      minimized: this.minimized,
      destroyed: this.destroyed,
      shows: this.shows,
      bounds: { ...this.bounds },
      webPreferences: Object.fromEntries(
        Object.entries(this.webPreferences).filter(([, value]) => typeof value !== 'function'),
      ),
      pushes: structuredClone(this.webContents.pushes),
      opened: [...this.webContents.opened],
      errors: [...this.errors],
    };
  }
}

/** Every window made, closed ones included, oldest first. */
export function windowStates(): WindowState[] {
  return [...closedWindows, ...windows].map((window) => window.state()).sort((a, b) => a.id - b.id);
}

/** Electron's `webContents` module: its static lookups. */
export const webContents = strict('webContents', {
  getAllWebContents: () => StandInWindow.getAllWindows().map((window) => window.webContents),
  getFocusedWebContents: () => StandInWindow.getFocusedWindow()?.webContents ?? null,
  fromId: (id: number) => StandInWindow.getAllWindows().find((window) => window.webContents.id === id)?.webContents,
});
