/**
 * The preload's world inside the page. Electron runs a sandboxed preload
 * before the page's own scripts, with a `require` that gives `electron`'s
 * renderer half and nothing else; here the preload's text is wrapped in a
 * CommonJS shim and added as an init script, so it too runs first. Its
 * `ipcRenderer.invoke` calls a Playwright binding into the main process;
 * `webContents.send` calls the `deliver` function back through CDP.
 */
import type { InvokeOutcome } from './system';

/** Names on the page's global object; odd enough not to meet the page's own. */
export const PAGE_NAMES = { invoke: '__electronStandInInvoke', deliver: '__electronStandInDeliver' } as const;

type Listener = (event: unknown, ...args: unknown[]) => void;
type Preload = (require: (id: string) => unknown, module: { exports: unknown }, exports: unknown) => void;

/**
 * Runs in the page, serialized: everything it needs is inside it. Typed
 * without the DOM, as this file is compiled with Node's types only.
 */
function installPreload(names: typeof PAGE_NAMES, preload: Preload): void {
  const page = globalThis as unknown as Record<string, unknown> & { top: unknown };
  // A preload runs in the main frame only (unless nodeIntegrationInSubFrames, which the app refuses).
  if (page.top !== globalThis) return;
  const listeners = new Map<string, Set<Listener>>();
  const ipcRenderer = {
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      const call = page[names.invoke] as (channel: string, args: unknown[]) => Promise<InvokeOutcome>;
      const outcome = await call(channel, args);
      // Electron's words for a handler that threw or is missing.
      if (!outcome.ok) throw new Error(`Error invoking remote method '${channel}': ${outcome.error}`);
      return outcome.value;
    },
    on(channel: string, listener: Listener) {
      const set = listeners.get(channel) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(channel, set);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
    off(channel: string, listener: Listener) {
      return ipcRenderer.removeListener(channel, listener);
    },
    removeAllListeners(channel: string) {
      listeners.delete(channel);
      return ipcRenderer;
    },
  };
  // What webContents.send reaches; true when a listener got it (Electron drops it otherwise).
  Object.defineProperty(page, names.deliver, {
    value: (channel: string, args: unknown[]): boolean => {
      const set = listeners.get(channel);
      if (!set || set.size === 0) return false;
      for (const listener of [...set]) listener({ sender: ipcRenderer, ports: [] }, ...args);
      return true;
    },
  });
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown) {
      if (key in page) throw new Error('Cannot bind an API on top of an existing property on the window object');
      // contextBridge hands the page a copy; the preload's own object stays its own.
      const copy = typeof api === 'object' && api !== null ? Object.freeze({ ...api }) : api;
      Object.defineProperty(page, key, { value: copy, enumerable: true });
    },
  };
  const module = { exports: {} as unknown };
  preload(
    (id) => {
      if (id === 'electron') return { contextBridge, ipcRenderer };
      // A sandboxed preload may require nothing else that matters here.
      throw new Error(`module not found: ${id}`);
    },
    module,
    module.exports,
  );
}

/**
 * The init script for a page whose preload is `source`. The preload's text
 * is pasted in, not evaluated, so the page's Content-Security-Policy has
 * nothing to refuse. tsx compiles with keepNames, which adds `__name(...)`
 * calls to serialized functions; the page gets a `__name` that does nothing.
 */
export function preloadInitScript(source: string): string {
  return [
    '(() => {',
    'const __name = (target) => target;',
    `(${installPreload.toString()})(${JSON.stringify(PAGE_NAMES)}, function (require, module, exports) {`,
    source,
    '});',
    '})();',
  ].join('\n');
}
