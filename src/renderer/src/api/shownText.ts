import type { MonitorApi } from '../../../shared/api';
import type { OperationName } from '../../../shared/ipcChannels';
import { operationMethods } from '../../../shared/operationMethods';
import type { OperationArgs, OperationMethods } from '../../../shared/operations';
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
  if (Array.isArray(value)) return shownItems(value);
  if (typeof value === 'object' && value !== null) return shownEntries(value as Readonly<Record<string, unknown>>);
  return value;
}

// A copy is made only from the first part that changes: a snapshot with nothing to escape, as almost every one is,
// allocates nothing here.
function shownItems(items: readonly unknown[]): readonly unknown[] {
  let copy: unknown[] | null = null;
  for (const [index, item] of items.entries()) {
    const next = shown(item);
    if (next === item) continue;
    copy ??= [...items];
    copy[index] = next;
  }
  return copy ?? items;
}

function shownEntries(record: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const keys = Object.keys(record);
  let entries: Array<readonly [string, unknown]> | null = null;
  for (const [index, key] of keys.entries()) {
    const item = record[key];
    const shownKey = escapeControls(key);
    const shownItem = shown(item);
    if (entries === null && (shownKey !== key || shownItem !== item))
      entries = keys.slice(0, index).map((earlier) => [earlier, record[earlier]] as const);
    entries?.push([shownKey, shownItem]);
  }
  return entries === null ? record : Object.fromEntries(entries);
}

/** The API with every answer and push from the monitor shown that way; what the page sends is left as it is. */
export function apiWithControlsShown(api: MonitorApi): MonitorApi {
  // Called on `api` each time, never spread: the API may be a class instance, whose methods a spread would not carry.
  const operations: OperationMethods = api;
  const shownAnswer =
    <Name extends OperationName>(name: Name) =>
    async (...args: OperationArgs<Name>) =>
      withControlsShown(await operations[name](...args));
  return {
    ...operationMethods(shownAnswer),
    onFocus: (listener) => api.onFocus(listener),
    onSnapshot: (listener) =>
      api.onSnapshot((snapshot) => {
        listener(withControlsShown(snapshot));
      }),
    onEvent: (listener) =>
      api.onEvent((event) => {
        listener(withControlsShown(event));
      }),
  };
}
