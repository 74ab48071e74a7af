import { contextBridge } from 'electron';

// The typed MonitorApi arrives with the Electron host; until then the page learns only what it runs on.
const monitor = {
  platform: process.platform,
} as const;

contextBridge.exposeInMainWorld('monitor', monitor);

export type PreloadApi = typeof monitor;
