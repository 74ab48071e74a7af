import { join } from 'node:path';
import { Menu, nativeImage, nativeTheme, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { TrayIconState, TrayMenuItem } from '../../core/views/trayModel';
import type { MenuHandlers, TrayBindings } from '../trayPresenter';

function template(items: readonly TrayMenuItem[], handlers: MenuHandlers): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'submenu') return { label: item.label, submenu: template(item.items, handlers) };
    if (item.kind === 'control') {
      const request = item.request;
      return { label: item.label, click: () => { handlers.onControl(request); } };
    }
    if (item.kind === 'info') {
      const focus = item.focus;
      // Linux ignores clicks on the tray icon itself, so every line that can open the dashboard does so from the menu.
      return focus ? { label: item.label, click: () => { handlers.onFocus(focus); } } : { label: item.label, enabled: false };
    }
    return { label: item.label, enabled: item.enabled, click: () => { handlers.onAction(item.action); } };
  });
}

/** Electron's tray, menu and images for the presenter; macOS recolours the "Template" icons itself. */
export function electronTrayBindings(resourcesDir: string): TrayBindings<NativeImage, Electron.Menu> {
  const iconFor = (state: TrayIconState): NativeImage => {
    const theme = process.platform === 'darwin' || !nativeTheme.shouldUseDarkColors ? 'Template' : 'dark';
    return nativeImage.createFromPath(join(resourcesDir, 'tray', `${state}-${theme}.png`));
  };
  return {
    createTray: (icon) => new Tray(icon),
    iconFor,
    buildMenu: (items, handlers) => Menu.buildFromTemplate(template(items, handlers)),
  };
}
