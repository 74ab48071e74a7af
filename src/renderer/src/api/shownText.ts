import type { MonitorApi } from '../../../shared/api';
import { escapeControls } from '../../../shared/terminalText';

/**
 * Every text in `value` as the command line shows it: control characters and
 * bidirectional overrides made visible (`\u202e`), so a right-to-left
 * override in a description cannot show the words around it in another
 * order. React already keeps markup out; this keeps the order true. What
 * holds no such character is returned as the very same object, so nothing
 * redraws for it.
 */
export function withControlsShown<T>(value: T): T {
  return shown(value) as T;
}

function shown(value: unknown): unknown {
  if (typeof value === 'string') return escapeControls(value);
  if (Array.isArray(value)) {
    const items = value.map(shown);
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (typeof value === 'object' && value !== null) {
    const entries: (readonly [string, unknown])[] = [];
    let changed = false;
    for (const [key, item] of Object.entries(value)) {
      const entry = [escapeControls(key), shown(item)] as const;
      changed ||= entry[0] !== key || entry[1] !== item;
      entries.push(entry);
    }
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}

/** The API with every answer and push from the monitor shown that way; what the page sends is left as it is. */
export function apiWithControlsShown(api: MonitorApi): MonitorApi {
  // Method by method: the API may be a class instance, whose methods a spread would not carry.
  return {
    getSeries: () => api.getSeries(),
    onFocus: (listener) => api.onFocus(listener),
    sendCommand: (request) => api.sendCommand(request),
    exportData: (query) => api.exportData(query),
    snooze: (until) => api.snooze(until),
    resumeNotifications: () => api.resumeNotifications(),
    getSnapshot: async () => withControlsShown(await api.getSnapshot()),
    getHistory: async (date) => withControlsShown(await api.getHistory(date)),
    getStats: async (from, to) => withControlsShown(await api.getStats(from, to)),
    getEvents: async () => withControlsShown(await api.getEvents()),
    onSnapshot: (listener) => api.onSnapshot((snapshot) => { listener(withControlsShown(snapshot)); }),
    onEvent: (listener) => api.onEvent((event) => { listener(withControlsShown(event)); }),
  };
}
