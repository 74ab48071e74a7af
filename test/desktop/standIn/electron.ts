/**
 * The `electron` module the app's main bundle gets under the desktop harness
 * (register.ts maps the bare specifier here). It exports every name Electron's
 * main process has, so the bundle links whatever it imports; what the stand-in
 * does not implement throws, naming itself, the moment the app touches it.
 */
import type * as ElectronCommon from 'electron/common';
import type * as ElectronMain from 'electron/main';
import { app } from './app';
import './control';
import { dialog, nativeImage, StandInMenu, StandInMenuItem, StandInNotification, StandInTray } from './nativeUi';
import { ipcMain, nativeTheme, powerMonitor, safeStorage, screen, session, shell } from './system';
import { StandInWindow, webContents } from './window';

export {
  app,
  dialog,
  ipcMain,
  nativeImage,
  nativeTheme,
  powerMonitor,
  safeStorage,
  screen,
  session,
  shell,
  webContents,
};
export {
  StandInWindow as BrowserWindow,
  StandInMenu as Menu,
  StandInMenuItem as MenuItem,
  StandInNotification as Notification,
  StandInTray as Tray,
};

/** A module or class the stand-in lacks: any use of it throws with its name. */
function missing(name: string): unknown {
  const fail = (): never => {
    throw new Error(`The electron stand-in has no ${name}: add it in test/desktop/standIn/`);
  };
  return new Proxy(function absent() {}, {
    get: (_target, key) => (key === 'then' || typeof key === 'symbol' ? undefined : fail()),
    apply: fail,
    construct: fail,
  });
}

const absent: Record<string, unknown> = new Proxy({}, { get: (_target, key) => missing(String(key)) });

export const {
  autoUpdater,
  BaseWindow,
  BrowserView,
  clipboard,
  ClipboardItem,
  contentTracing,
  crashReporter,
  desktopCapturer,
  globalShortcut,
  ImageView,
  inAppPurchase,
  IpcMainServiceWorker,
  MessageChannelMain,
  net,
  netLog,
  powerSaveBlocker,
  protocol,
  pushNotifications,
  sharedTexture,
  ShareMenu,
  systemPreferences,
  TouchBar,
  utilityProcess,
  View,
  WebContentsView,
  webFrameMain,
  WebSocket,
} = absent;

/** Every name of Electron's main process, checked against its types: a name Electron adds fails to compile here. */
const electron: Record<keyof typeof ElectronMain | keyof typeof ElectronCommon, unknown> = {
  app,
  autoUpdater,
  BaseWindow,
  BrowserView,
  BrowserWindow: StandInWindow,
  clipboard,
  ClipboardItem,
  contentTracing,
  crashReporter,
  desktopCapturer,
  dialog,
  globalShortcut,
  ImageView,
  inAppPurchase,
  ipcMain,
  IpcMainServiceWorker,
  Menu: StandInMenu,
  MenuItem: StandInMenuItem,
  MessageChannelMain,
  nativeImage,
  nativeTheme,
  net,
  netLog,
  Notification: StandInNotification,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  pushNotifications,
  safeStorage,
  screen,
  session,
  sharedTexture,
  ShareMenu,
  shell,
  systemPreferences,
  TouchBar,
  Tray: StandInTray,
  utilityProcess,
  View,
  webContents,
  WebContentsView,
  webFrameMain,
  WebSocket,
};

export default electron;
