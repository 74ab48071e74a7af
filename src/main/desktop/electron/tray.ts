import { join } from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { TrayIconState, TrayMenuItem } from '../../core/views/trayModel';
import type { MenuHandlers, TrayBindings } from '../trayPresenter';

function template(items: readonly TrayMenuItem[], handlers: MenuHandlers): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'submenu') return { label: item.label, submenu: template(item.items, handlers) };
    if (item.kind === 'control') {
      const request = item.request;
      return {
        label: item.label,
        click: () => {
          handlers.onControl(request);
        },
      };
    }
    if (item.kind === 'info') {
      const focus = item.focus;
      // Linux ignores clicks on the tray icon itself, so every line that can open the dashboard does so from the menu.
      return focus
        ? {
            label: item.label,
            click: () => {
              handlers.onFocus(focus);
            },
          }
        : { label: item.label, enabled: false };
    }
    return {
      label: item.label,
      enabled: item.enabled,
      click: () => {
        handlers.onAction(item.action);
      },
    };
  });
}

/**
 * Electron's tray, menu and images for the presenter. macOS recolours the
 * black "Template" icons for its menu bar itself. Elsewhere the light glyph:
 * `nativeTheme` follows the app's theme, not the taskbar's (electron#19729),
 * and Windows' taskbar and most Linux panels are dark.
 */
export function electronTrayBindings(
  resourcesDir: string,
  onClick: () => void,
): TrayBindings<NativeImage, Electron.Menu> {
  const iconFor = (state: TrayIconState): NativeImage => {
    // Windows takes the size its display scaling needs from an .ico; elsewhere the PNG and its @2x.
    const file =
      process.platform === 'darwin'
        ? `${state}-Template.png`
        : process.platform === 'win32'
          ? `${state}-dark.ico`
          : `${state}-dark.png`;
    return nativeImage.createFromPath(join(resourcesDir, 'tray', file));
  };
  return {
    createTray: (icon) => {
      const tray = new Tray(icon);
      // Windows users open a tray app with a left click; macOS and Linux open the menu on click.
      if (process.platform === 'win32') tray.on('click', onClick);
      return tray;
    },
    iconFor,
    buildMenu: (items, handlers) => Menu.buildFromTemplate(template(items, handlers)),
  };
}
