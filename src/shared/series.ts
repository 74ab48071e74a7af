import type { Snapshot } from './model';
import type { ResourceSample } from './monitorEvent';

/** A day of samples at the default 5 s poll: what the monitor keeps and the dashboard draws. */
export const SERIES_LIMIT = 17_280;
/** The newest monitor events kept, on the server and in the dashboard. */
export const EVENT_LOG_LIMIT = 1000;

/** One point of the resource chart, from a snapshot; the monitor and the dashboard derive it alike. */
export function sampleOf(snapshot: Pick<Snapshot, 'takenAt' | 'summary'>): ResourceSample {
  const { summary } = snapshot;
  return {
    at: snapshot.takenAt,
    agents: summary.activeAgents,
    memoryBytes: summary.memoryBytes,
    measuredBytes: summary.measuredMemoryBytes,
    estimatedBytes: summary.estimatedMemoryBytes,
    machineRamBytes: summary.machineRamBytes,
    freeRamBytes: summary.freeRamBytes,
    cpuPercent: summary.cpuPercent,
    ramBytes: summary.ramBytes,
    measuredRamBytes: summary.measuredRamBytes,
    // Where GPU memory is this RAM, the models' GPU share is already in ramBytes: drawn again it would count twice.
    vramBytes: summary.unifiedMemory ? null : summary.vramBytes,
    gpuUsedBytes: summary.gpuUsedBytes,
    gpuTotalBytes: summary.gpuTotalBytes,
  };
}

/** The list with `item` added at the end, keeping at most `limit` of the newest. */
export function appendBounded<T>(list: readonly T[], item: T, limit: number): T[] {
  const start = Math.max(0, list.length + 1 - limit);
  return [...list.slice(start), item];
}
