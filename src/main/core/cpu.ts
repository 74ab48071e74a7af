import type { CpuLoad } from '../../shared/model';

/** Cumulative CPU time of all cores, in any one unit. */
export interface CpuTimes {
  readonly busy: number;
  readonly idle: number;
}

/** One core's cumulative times as `os.cpus()` gives them. */
export interface CoreTimes {
  readonly times: {
    readonly user: number;
    readonly nice: number;
    readonly sys: number;
    readonly idle: number;
    readonly irq: number;
  };
}

/**
 * The busy and idle time of all cores. On Windows libuv's `sys` is the
 * kernel's time less idle, and the kernel's time already includes interrupts
 * (its `irq` is `InterruptTime`, a part of it): adding `irq` there would count
 * interrupts twice. Linux and macOS report `irq` apart from `sys`. The
 * platform is given (`process.platform`): the core reads nothing of its own.
 */
export function sumCpuTimes(cores: readonly CoreTimes[], platform: string): CpuTimes {
  const countIrq = platform !== 'win32';
  let busy = 0;
  let idle = 0;
  for (const { times } of cores) {
    busy += times.user + times.nice + times.sys + (countIrq ? times.irq : 0);
    idle += times.idle;
  }
  return { busy, idle };
}

/**
 * Busy share of the machine between two samples, 0–100; null when no time
 * passed. `excludedBusy` (same unit) is time the caller spent itself and
 * counts as idle: what everything else used. The cores' times come in clock
 * ticks (10 ms on Linux), so the difference is floored at 0.
 */
export function cpuPercentBetween(previous: CpuTimes, next: CpuTimes, excludedBusy = 0): number | null {
  const busy = next.busy - previous.busy;
  const total = busy + (next.idle - previous.idle);
  if (total <= 0 || busy < 0) return null;
  const others = Math.max(0, busy - Math.max(0, excludedBusy));
  return Math.round(Math.min(100, (others / total) * 100) * 10) / 10;
}

/** The seed's words for load, from measured utilisation instead of an agent count. */
export function cpuLoadOf(percent: number): CpuLoad {
  if (percent < 10) return 'idle';
  if (percent < 40) return 'low';
  if (percent < 75) return 'medium';
  return 'high';
}
