/**
 * Counts renders of the rows that must redraw only when their own data
 * changes. Off unless a test or benchmark installs a counter, so it costs a
 * property read in normal use.
 */
interface RenderCounter {
  count(name: string): void;
}

declare global {
  var __delegatorMonitorRenders: RenderCounter | undefined;
}

export function countRender(name: string): void {
  globalThis.__delegatorMonitorRenders?.count(name);
}
