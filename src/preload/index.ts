import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { MonitorApi } from '../shared/api';
import { IPC_INVOKE, IPC_PUSH, IPC_SETTINGS, type IpcResult } from '../shared/ipcChannels';
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

/** Exactly the MonitorApi, method by method; the page never sees ipcRenderer. */
const monitor: MonitorApi = {
  getSnapshot: () => invoke(IPC_INVOKE.getSnapshot),
  getHistory: (date) => invoke(IPC_INVOKE.getHistory, date),
  getStats: (from, to) => invoke(IPC_INVOKE.getStats, from, to),
  getSeries: () => invoke(IPC_INVOKE.getSeries),
  getEvents: () => invoke(IPC_INVOKE.getEvents),
  onSnapshot: (listener) => subscribe(IPC_PUSH.snapshot, listener),
  onEvent: (listener) => subscribe(IPC_PUSH.event, listener),
  onFocus: (listener) => subscribe(IPC_PUSH.focus, listener),
  sendCommand: (request) => invoke(IPC_INVOKE.sendCommand, request),
  snooze: (until) => invoke(IPC_INVOKE.snooze, until),
  resumeNotifications: () => invoke(IPC_INVOKE.resumeNotifications),
  exportData: (query) => invoke(IPC_INVOKE.exportData, query),
};

contextBridge.exposeInMainWorld('monitor', monitor);


/** The settings screen's calls; only the desktop app has them. */
const monitorSettings: SettingsApi = {
  getSettings: () => invoke(IPC_SETTINGS.getSettings),
  saveSettings: (save) => invoke(IPC_SETTINGS.saveSettings, save),
  testConnection: (save) => invoke(IPC_SETTINGS.testConnection, save),
};

contextBridge.exposeInMainWorld('monitorSettings', monitorSettings);
