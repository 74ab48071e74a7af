import type { CommandRequest } from '../../shared/commands';
import type { FocusTarget, TrayAction, TrayIconState, TrayMenuItem, TrayModel } from '../core/views/trayModel';

/** The part of Electron's Tray the presenter drives. */
export interface TrayLike {
  setImage(image: never): void;
  setToolTip(text: string): void;
  setTitle(text: string): void;
  setContextMenu(menu: never): void;
}

/** How plain models become the platform's objects; Electron's in the app, plain records in tests. */
export interface TrayBindings<Image, Menu> {
  createTray(icon: Image): TrayLike;
  iconFor(state: TrayIconState): Image;
  buildMenu(items: readonly TrayMenuItem[], handlers: MenuHandlers): Menu;
}

export interface MenuHandlers {
  readonly onAction: (action: TrayAction) => void;
  readonly onFocus: (target: FocusTarget) => void;
  /** A control was chosen; the host confirms it before anything is sent. */
  readonly onControl: (request: CommandRequest) => void;
}

/**
 * Keeps the tray showing the latest model, touching only what changed, and
 * nothing at all when the model is the same: a poll every few seconds must
 * not rebuild a menu the user may have open.
 */
export class TrayPresenter<Image, Menu> {
  private tray: TrayLike | null = null;
  private shown: TrayModel | null = null;

  constructor(
    private readonly bindings: TrayBindings<Image, Menu>,
    private readonly handlers: MenuHandlers,
  ) {}

  /** Returns whether anything was redrawn. */
  render(model: TrayModel): boolean {
    const before = this.shown;
    this.tray ??= this.bindings.createTray(this.bindings.iconFor(model.icon));
    const tray = this.tray;
    let changed = false;
    if (before?.icon !== model.icon && before !== null) {
      tray.setImage(this.bindings.iconFor(model.icon) as never);
      changed = true;
    }
    if (before?.tooltip !== model.tooltip) {
      tray.setToolTip(model.tooltip);
      changed = true;
    }
    if (before?.title !== model.title) {
      tray.setTitle(model.title);
      changed = true;
    }
    if (before === null || JSON.stringify(before.menu) !== JSON.stringify(model.menu)) {
      tray.setContextMenu(this.bindings.buildMenu(model.menu, this.handlers) as never);
      changed = true;
    }
    this.shown = model;
    return changed || before === null;
  }

  /** Sets the icon again, unchanged state or not: the theme changed, and with it which image suits the bar. */
  redrawIcon(): void {
    if (this.tray && this.shown) this.tray.setImage(this.bindings.iconFor(this.shown.icon) as never);
  }
}
