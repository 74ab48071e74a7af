import type { ResourceSample } from '../../shared/model';
import type { SnapshotBase } from './alerts/rules';
import type { MemoryTotals } from './memoryModel';

export function sampleOf(snapshot: Pick<SnapshotBase, 'takenAt' | 'summary'>, totals: MemoryTotals | null): ResourceSample {
  const { summary } = snapshot;
  return {
    at: snapshot.takenAt,
    agents: summary.activeAgents,
    memoryGb: summary.memoryGb,
    measuredGb: totals && totals.source !== 'estimated' ? totals.measuredGb : null,
    estimatedGb: totals?.estimatedGb ?? null,
    machineRamGb: summary.machineRamGb,
    freeRamGb: summary.freeRamGb,
    cpuPercent: summary.cpuPercent,
  };
}

/** The list with `item` added at the end, keeping at most `limit` of the newest. */
export function appendBounded<T>(list: readonly T[], item: T, limit: number): T[] {
  const start = Math.max(0, list.length + 1 - limit);
  return [...list.slice(start), item];
}
