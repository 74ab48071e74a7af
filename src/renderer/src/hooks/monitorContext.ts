import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { MonitorState, MonitorStore } from '../store/monitorStore';

export const MonitorContext = createContext<MonitorStore | null>(null);

/** The store itself, for reading the state at the moment of a click without re-rendering on every change. */
export function useMonitorStore(): MonitorStore {
  const store = useContext(MonitorContext);
  if (store === null) throw new Error('useMonitorStore needs a MonitorContext provider');
  return store;
}

/** A slice of the dashboard's state; the component re-renders only when that slice changes. */
export function useMonitor<T>(selector: (state: MonitorState) => T): T {
  return useStore(useMonitorStore(), selector);
}
