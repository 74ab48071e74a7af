import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { MonitorState, MonitorStore } from '../store/monitorStore';

export const MonitorContext = createContext<MonitorStore | null>(null);

/** A slice of the dashboard's state; the component re-renders only when that slice changes. */
export function useMonitor<T>(selector: (state: MonitorState) => T): T {
  const store = useContext(MonitorContext);
  if (store === null) throw new Error('useMonitor needs a MonitorContext provider');
  return useStore(store, selector);
}
