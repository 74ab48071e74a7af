import type { CpuLoad } from '../../shared/model';

/** Cumulative CPU time of all cores, in any one unit. */
export interface CpuTimes {
  readonly busy: number;
  readonly idle: number;
}

export function sumCpuTimes(cores: ReadonlyArray<{ times: { user: number; nice: number; sys: number; idle: number; irq: number } }>): CpuTimes {
  let busy = 0;
  let idle = 0;
  for (const { times } of cores) {
    busy += times.user + times.nice + times.sys + times.irq;
    idle += times.idle;
  }
  return { busy, idle };
}

/** Busy share of the machine between two samples, 0–100; null when no time passed. */
export function cpuPercentBetween(previous: CpuTimes, next: CpuTimes): number | null {
  const busy = next.busy - previous.busy;
  const total = busy + (next.idle - previous.idle);
  if (total <= 0 || busy < 0) return null;
  return Math.round(Math.min(100, (busy / total) * 100) * 10) / 10;
}

/** The seed's words for load, from measured utilisation instead of an agent count. */
export function cpuLoadOf(percent: number): CpuLoad {
  if (percent < 10) return 'idle';
  if (percent < 40) return 'low';
  if (percent < 75) return 'medium';
  return 'high';
}
