import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { MonitorApi } from '../shared/api';
// Values only from files without schemas: the sandboxed preload is one script, and would carry their library.
import { IPC_INVOKE, IPC_PUSH, IPC_SETTINGS, type IpcResult } from '../shared/ipcChannels';
import { operationMethods } from '../shared/operationMethods';
import type { SettingsApi } from '../shared/settings';

async function invoke<T>(channel: string, ...args: unknown[]): Promise<T> {
  const result = (await ipcRenderer.invoke(channel, ...args)) as IpcResult<T>;
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

// Main alone sends on these channels, each the type its name says.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, value: T): void => {
    listener(value);
  };
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

/** Exactly the MonitorApi: each operation over its channel, and the pushes. The page never sees ipcRenderer. */
const monitor: MonitorApi = {
  ...operationMethods(
    (name) =>
      (...args) =>
        invoke(IPC_INVOKE[name], ...args),
  ),
  onSnapshot: (listener) => subscribe(IPC_PUSH.snapshot, listener),
  onEvent: (listener) => subscribe(IPC_PUSH.event, listener),
  onFocus: (listener) => subscribe(IPC_PUSH.focus, listener),
};

contextBridge.exposeInMainWorld('monitor', monitor);

/** The settings screen's calls; only the desktop app has them. */
const monitorSettings: SettingsApi = {
  getSettings: () => invoke(IPC_SETTINGS.getSettings),
  saveSettings: (save) => invoke(IPC_SETTINGS.saveSettings, save),
  testConnection: (save) => invoke(IPC_SETTINGS.testConnection, save),
};

contextBridge.exposeInMainWorld('monitorSettings', monitorSettings);
