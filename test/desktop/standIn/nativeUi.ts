/**
 * What Electron draws outside the page: the tray with its menu, menus,
 * notifications and dialogs. Each is recorded for the test and scriptable by
 * it: a menu item clicked by its labels, a notification clicked, a dialog
 * answered. Trays and notifications are held only weakly, as Electron holds
 * them: one the app keeps no reference to can be garbage-collected, and then
 * it is gone (a tray from the screen, a notification's click with it).
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type {
  DialogAnswer,
  DialogState,
  Matcher,
  MenuItemState,
  NotificationState,
  TrayState,
} from '../../support/desktopProtocol';
import { assertReady, electronEvent, strict } from './runtime';
import { StandInWindow } from './window';

/** An image as far as the test cares: the file it came from, and its size when that is a PNG. */
export class StandInImage implements Pick<
  Electron.NativeImage,
  'isEmpty' | 'getSize' | 'isTemplateImage' | 'setTemplateImage'
> {
  private template = false;
  private readonly size: Electron.Size;

  constructor(readonly path: string | null) {
    this.size = { width: 0, height: 0 };
    if (path === null) return;
    try {
      const bytes = readFileSync(path);
      // A PNG's IHDR chunk: width and height right after the signature and chunk header.
      if (bytes.length >= 24 && bytes.toString('latin1', 1, 4) === 'PNG')
        this.size = { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
    } catch {
      // Electron gives an empty image for a file it cannot read.
    }
  }

  isEmpty(): boolean {
    return this.size.width === 0;
  }
  getSize(): Electron.Size {
    return { ...this.size };
  }
  isTemplateImage(): boolean {
    return this.template;
  }
  setTemplateImage(option: boolean): void {
    this.template = option;
  }
}

export const nativeImage = strict('nativeImage', {
  createFromPath: (path: string) => new StandInImage(path),
  createEmpty: () => new StandInImage(null),
});

const imageOf = (image: unknown): StandInImage =>
  image instanceof StandInImage ? image : new StandInImage(typeof image === 'string' ? image : null);

type ClickListener = NonNullable<Electron.MenuItemConstructorOptions['click']>;

export class StandInMenuItem {
  readonly label: string;
  readonly type: NonNullable<Electron.MenuItemConstructorOptions['type']>;
  readonly id: string;
  readonly role: Electron.MenuItemConstructorOptions['role'];
  readonly sublabel: string;
  readonly toolTip: string;
  readonly submenu: StandInMenu | undefined;
  enabled: boolean;
  visible: boolean;
  checked: boolean;
  menu: StandInMenu | null = null;
  private readonly listener: ClickListener | undefined;

  constructor(options: Electron.MenuItemConstructorOptions) {
    // Electron's checks and words.
    if (!options.label && !options.role && !options.type)
      throw new Error('Invalid template for MenuItem: must have at least one of label, role or type');
    const submenu = options.submenu;
    this.submenu =
      submenu === undefined
        ? undefined
        : submenu instanceof StandInMenu
          ? submenu
          : StandInMenu.buildFromTemplate(submenu as Electron.MenuItemConstructorOptions[]);
    this.type = options.type ?? (this.submenu ? 'submenu' : 'normal');
    if (this.type === 'submenu' && !this.submenu) throw new Error('Invalid submenu');
    this.label = options.label ?? '';
    this.id = options.id ?? '';
    this.role = options.role;
    this.sublabel = options.sublabel ?? '';
    this.toolTip = options.toolTip ?? '';
    this.enabled = options.enabled ?? true;
    this.visible = options.visible ?? true;
    this.checked = options.checked ?? false;
    this.listener = options.click;
  }

  /** What Electron's menu calls on a click: checkboxes toggle, then the template's `click` runs. */
  readonly click = (
    event: Electron.KeyboardEvent = {},
    window: StandInWindow | null = StandInWindow.getFocusedWindow(),
  ): void => {
    if (this.type === 'checkbox') this.checked = !this.checked;
    if (this.type === 'radio') {
      for (const sibling of this.menu?.items ?? []) if (sibling.type === 'radio') sibling.checked = sibling === this;
    }
    // The app's listener is typed for Electron's own objects, which these stand in for.
    this.listener?.(
      this as unknown as Electron.MenuItem,
      (window ?? undefined) as unknown as Electron.BaseWindow | undefined,
      event,
    );
  };

  state(): MenuItemState {
    return {
      label: this.label,
      type: this.type,
      enabled: this.enabled,
      visible: this.visible,
      checked: this.checked,
      submenu: this.submenu?.state() ?? null,
    };
  }
}

let applicationMenu: StandInMenu | null | undefined;

/** The app's code is typed for Electron's objects; at run time they are the stand-in's, or a mistake. */
function ours<T>(value: unknown, kind: abstract new (...args: never[]) => T, what: string): T {
  if (!(value instanceof kind)) throw new TypeError(`Error processing argument: expected a ${what}`);
  return value;
}

export class StandInMenu
  extends EventEmitter
  implements Pick<Electron.Menu, 'append' | 'insert' | 'popup' | 'closePopup'>
{
  readonly items: StandInMenuItem[] = [];

  static buildFromTemplate(template: readonly (Electron.MenuItemConstructorOptions | StandInMenuItem)[]): StandInMenu {
    // Checked as the app's JavaScript may pass anything; Array.isArray on the typed array would widen it to any[].
    const given: unknown = template;
    if (!Array.isArray(given)) throw new TypeError('Invalid template for Menu: Menu template must be an array');
    const menu = new StandInMenu();
    for (const item of template) menu.append(item instanceof StandInMenuItem ? item : new StandInMenuItem(item));
    return menu;
  }

  static setApplicationMenu(menu: Electron.Menu | StandInMenu | null): void {
    applicationMenu = menu === null ? null : ours(menu, StandInMenu, 'Menu');
  }

  static getApplicationMenu(): StandInMenu | null {
    return applicationMenu ?? null;
  }

  append(item: Electron.MenuItem | StandInMenuItem): void {
    this.insert(this.items.length, item);
  }

  insert(position: number, item: Electron.MenuItem | StandInMenuItem): void {
    const standIn = ours(item, StandInMenuItem, 'MenuItem');
    standIn.menu = this;
    this.items.splice(position, 0, standIn);
  }

  getMenuItemById(id: string): StandInMenuItem | null {
    for (const item of this.items) {
      if (item.id === id) return item;
      const inner = item.submenu?.getMenuItemById(id);
      if (inner) return inner;
    }
    return null;
  }

  popup(): void {
    this.emit('menu-will-show', electronEvent({}));
  }

  closePopup(): void {
    this.emit('menu-will-close', electronEvent({}));
  }

  state(): MenuItemState[] {
    return this.items.map((item) => item.state());
  }
}

const matches = (matcher: Matcher, label: string): boolean =>
  typeof matcher === 'string' ? label === matcher : matcher.test(label);

/** Clicks the item these labels lead to, as a user can: only visible, enabled items that are not submenus. */
export function clickMenuItem(menu: StandInMenu, path: readonly Matcher[]): void {
  let items = menu.items;
  path.forEach((matcher, index) => {
    const visible = items.filter((item) => item.visible && item.type !== 'separator');
    const item = visible.find((candidate) => matches(matcher, candidate.label));
    if (!item)
      throw new Error(
        `no menu item ${String(matcher)} among ${JSON.stringify(visible.map((candidate) => candidate.label))}`,
      );
    const last = index === path.length - 1;
    if (!last) {
      if (!item.submenu) throw new Error(`menu item "${item.label}" has no submenu`);
      items = item.submenu.items;
      return;
    }
    if (item.submenu) throw new Error(`menu item "${item.label}" opens a submenu; name an item inside it`);
    if (!item.enabled) throw new Error(`menu item "${item.label}" is disabled`);
    item.click({ triggeredByAccelerator: false });
  });
}

export function applicationMenuState(): MenuItemState[] | null | undefined {
  return applicationMenu === undefined ? undefined : (applicationMenu?.state() ?? null);
}

interface TrayRecord {
  readonly tray: WeakRef<StandInTray>;
  readonly images: (string | null)[];
  tooltip: string;
  title: string;
  destroyed: boolean;
}

const trays: TrayRecord[] = [];

export class StandInTray
  extends EventEmitter
  implements
    Pick<
      Electron.Tray,
      | 'setImage'
      | 'setToolTip'
      | 'setTitle'
      | 'getTitle'
      | 'setContextMenu'
      | 'destroy'
      | 'isDestroyed'
      | 'setIgnoreDoubleClickEvents'
      | 'getIgnoreDoubleClickEvents'
      | 'popUpContextMenu'
      | 'closeContextMenu'
      | 'getBounds'
      | 'focus'
    >
{
  /** Held by the tray, as Electron's is: the menu goes with it. */
  menu: StandInMenu | null = null;
  private readonly record: TrayRecord;
  private ignoreDoubleClicks = false;

  constructor(image: Electron.NativeImage | StandInImage | string) {
    assertReady('Cannot create Tray before app is ready');
    super();
    this.record = { tray: new WeakRef(this), images: [imageOf(image).path], tooltip: '', title: '', destroyed: false };
    trays.push(this.record);
  }

  setImage(image: Electron.NativeImage | StandInImage | string): void {
    this.record.images.push(imageOf(image).path);
  }
  setToolTip(toolTip: string): void {
    this.record.tooltip = toolTip;
  }
  setTitle(title: string): void {
    this.record.title = title;
  }
  getTitle(): string {
    return this.record.title;
  }
  setContextMenu(menu: Electron.Menu | StandInMenu | null): void {
    this.menu = menu === null ? null : ours(menu, StandInMenu, 'Menu');
  }
  setIgnoreDoubleClickEvents(ignore: boolean): void {
    this.ignoreDoubleClicks = ignore;
  }
  getIgnoreDoubleClickEvents(): boolean {
    return this.ignoreDoubleClicks;
  }
  popUpContextMenu(): void {
    this.menu?.popup();
  }
  closeContextMenu(): void {
    this.menu?.closePopup();
  }
  focus(): void {
    // Nothing to focus headless.
  }
  getBounds(): Electron.Rectangle {
    return { x: 1880, y: 1040, width: 24, height: 24 };
  }
  destroy(): void {
    this.record.destroyed = true;
    this.menu = null;
  }
  isDestroyed(): boolean {
    return this.record.destroyed;
  }
}

/** The tray the test means: the newest one still shown. */
function liveTray(): StandInTray {
  for (const record of [...trays].reverse()) {
    const tray = record.tray.deref();
    if (tray && !record.destroyed) return tray;
  }
  throw new Error(
    trays.length === 0
      ? 'the app made no tray'
      : 'the tray is gone: destroyed, or garbage-collected because nothing held it',
  );
}

export function clickTray(path: readonly Matcher[]): void {
  const menu = liveTray().menu;
  if (!menu) throw new Error('the tray has no context menu');
  clickMenuItem(menu, path);
}

export function trayStates(): TrayState[] {
  return trays.map((record) => {
    const tray = record.tray.deref();
    return {
      image: record.images.at(-1) ?? null,
      images: [...record.images],
      tooltip: record.tooltip,
      title: record.title,
      menu: tray?.menu?.state() ?? null,
      destroyed: record.destroyed,
      collected: tray === undefined,
    };
  });
}

interface NotificationRecord {
  readonly notification: WeakRef<StandInNotification>;
  readonly state: Omit<NotificationState, 'collected' | 'clicks'>;
  clicks: number;
}

const notifications: NotificationRecord[] = [];

export class StandInNotification
  extends EventEmitter
  implements
    Pick<
      Electron.Notification,
      | 'show'
      | 'close'
      | 'title'
      | 'subtitle'
      | 'body'
      | 'silent'
      | 'urgency'
      | 'actions'
      | 'hasReply'
      | 'replyPlaceholder'
      | 'sound'
      | 'timeoutType'
      | 'closeButtonText'
      | 'toastXml'
    >
{
  static isSupported(): boolean {
    return true;
  }

  title: string;
  subtitle: string;
  body: string;
  silent: boolean;
  urgency: 'normal' | 'critical' | 'low';
  actions: Electron.NotificationAction[];
  hasReply: boolean;
  replyPlaceholder: string;
  sound: string;
  timeoutType: 'default' | 'never';
  closeButtonText: string;
  toastXml: string;
  private readonly urgencyGiven: string | null;

  constructor(options: Electron.NotificationConstructorOptions = {}) {
    assertReady('Cannot create Notification before app is ready');
    super();
    this.title = options.title ?? '';
    this.subtitle = options.subtitle ?? '';
    this.body = options.body ?? '';
    this.silent = options.silent ?? false;
    this.urgencyGiven = options.urgency ?? null;
    this.urgency = options.urgency ?? 'normal';
    this.actions = options.actions ?? [];
    this.hasReply = options.hasReply ?? false;
    this.replyPlaceholder = options.replyPlaceholder ?? '';
    this.sound = options.sound ?? '';
    this.timeoutType = options.timeoutType ?? 'default';
    this.closeButtonText = options.closeButtonText ?? '';
    this.toastXml = options.toastXml ?? '';
  }

  show(): void {
    notifications.push({
      // Only weakly: the app must hold a notification for its click to come, as in Electron.
      notification: new WeakRef(this),
      state: {
        title: this.title,
        body: this.body,
        urgency: this.urgencyGiven,
        silent: this.silent,
        actions: this.actions.map((action) => action.text ?? ''),
      },
      clicks: 0,
    });
    this.emit('show', electronEvent({}));
  }

  close(): void {
    this.emit('close', electronEvent({ reason: 'unknown' as const }));
  }
}

/** Clicks the newest notification (with a matching title), or its action button `action`. */
export function clickNotification(
  title: Matcher | undefined,
  action: number | undefined,
): { delivered: true } | { delivered: false; reason: string } {
  const record = [...notifications]
    .reverse()
    .find((candidate) => title === undefined || matches(title, candidate.state.title));
  if (!record)
    throw new Error(
      `no notification ${title === undefined ? '' : `titled ${String(title)} `}was shown; shown: ${JSON.stringify(notifications.map((candidate) => candidate.state.title))}`,
    );
  if (action !== undefined && !(action in record.state.actions))
    throw new Error(
      `notification "${record.state.title}" has no action ${action}: it has ${JSON.stringify(record.state.actions)}`,
    );
  const notification = record.notification.deref();
  if (!notification)
    return {
      delivered: false,
      reason: `notification "${record.state.title}" was garbage-collected: nothing in the app held it, so its click is lost`,
    };
  record.clicks += 1;
  if (action === undefined) notification.emit('click', electronEvent({}));
  else notification.emit('action', electronEvent({ actionIndex: action, selectionIndex: -1 }), action, -1);
  return { delivered: true };
}

export function notificationStates(): NotificationState[] {
  return notifications.map((record) => ({
    ...record.state,
    clicks: record.clicks,
    collected: record.notification.deref() === undefined,
  }));
}

interface DialogRecord {
  readonly state: {
    kind: DialogState['kind'];
    window: number | null;
    options: Record<string, unknown>;
    answer: DialogAnswer | null;
  };
  readonly settle: ((answer: DialogAnswer) => void) | null;
}

const dialogs: DialogRecord[] = [];
/** Answers given before their dialog opened, oldest first. */
const queuedAnswers: DialogAnswer[] = [];

/** What the dialog showed, without functions or signals: only what can be told to the test. */
const plain = (options: object): Record<string, unknown> =>
  JSON.parse(JSON.stringify(options)) as Record<string, unknown>;

function checkAnswer(record: DialogRecord, answer: DialogAnswer): void {
  if (answer.kind !== 'messageBox') return;
  const buttons = Array.isArray(record.state.options.buttons) ? record.state.options.buttons.length : 0;
  // With no buttons the box shows one, "OK".
  if (!Number.isInteger(answer.response) || answer.response < 0 || answer.response >= Math.max(1, buttons)) {
    throw new Error(
      `response ${answer.response} is not one of the dialog's buttons: ${JSON.stringify(record.state.options.buttons ?? ['OK'])}`,
    );
  }
}

function openDialog(
  kind: 'messageBox' | 'save' | 'open',
  windowOrOptions: unknown,
  maybeOptions: object | undefined,
): Promise<DialogAnswer> {
  const window = maybeOptions === undefined ? null : windowOrOptions;
  const options = (maybeOptions ?? windowOrOptions) as object;
  return new Promise((resolve) => {
    const record: DialogRecord = {
      state: {
        kind,
        window: window instanceof StandInWindow ? window.id : null,
        options: plain(options),
        answer: null,
      },
      settle: (answer) => {
        record.state.answer = answer;
        resolve(answer);
      },
    };
    dialogs.push(record);
    const queued = queuedAnswers.findIndex((answer) => answer.kind === kind);
    if (queued >= 0) answerRecord(record, queuedAnswers.splice(queued, 1)[0]);
  });
}

function answerRecord(record: DialogRecord, answer: DialogAnswer | undefined): void {
  if (answer === undefined || record.settle === null) return;
  checkAnswer(record, answer);
  record.settle(answer);
}

/** The user answers the oldest open dialog of this kind, or, when none is open, the next one to open. */
export function answerDialog(answer: DialogAnswer): void {
  const open = dialogs.find(
    (record) => record.state.answer === null && record.state.kind === answer.kind && record.settle !== null,
  );
  if (open) answerRecord(open, answer);
  else queuedAnswers.push(answer);
}

export function dialogStates(): DialogState[] {
  return dialogs.map((record) => structuredClone(record.state));
}

type MessageBoxArgs =
  [options: Electron.MessageBoxOptions] | [window: Electron.BaseWindow, options: Electron.MessageBoxOptions];
type SaveDialogArgs =
  [options: Electron.SaveDialogOptions] | [window: Electron.BaseWindow, options: Electron.SaveDialogOptions];
type OpenDialogArgs =
  [options: Electron.OpenDialogOptions] | [window: Electron.BaseWindow, options: Electron.OpenDialogOptions];

export const dialog = strict('dialog', {
  async showMessageBox(...args: MessageBoxArgs): Promise<Electron.MessageBoxReturnValue> {
    const answer = await openDialog('messageBox', args[0], args[1]);
    const options = args.length === 2 ? args[1] : args[0];
    return answer.kind === 'messageBox'
      ? { response: answer.response, checkboxChecked: answer.checkboxChecked ?? options.checkboxChecked ?? false }
      : { response: 0, checkboxChecked: false };
  },
  async showSaveDialog(...args: SaveDialogArgs): Promise<Electron.SaveDialogReturnValue> {
    const answer = await openDialog('save', args[0], args[1]);
    const filePath = answer.kind === 'save' ? answer.filePath : null;
    return { canceled: filePath === null, filePath: filePath ?? '' };
  },
  async showOpenDialog(...args: OpenDialogArgs): Promise<Electron.OpenDialogReturnValue> {
    const answer = await openDialog('open', args[0], args[1]);
    const filePaths = answer.kind === 'open' ? answer.filePaths : null;
    return { canceled: filePaths === null, filePaths: [...(filePaths ?? [])] };
  },
  showErrorBox(title: string, content: string): void {
    dialogs.push({ state: { kind: 'error', window: null, options: { title, content }, answer: null }, settle: null });
  },
} satisfies Pick<Electron.Dialog, 'showMessageBox' | 'showSaveDialog' | 'showOpenDialog' | 'showErrorBox'>);
