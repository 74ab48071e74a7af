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

/** The window a CPU figure covers, as the probe measured it. */
export interface CpuWindow {
  /** From the window's start (the previous sample, or the mark the probe was given) to the sample, in ms. */
  readonly ms: number;
  /** How long the sample waited for the window to reach the length it was asked for, in ms: 0 when it did not wait. */
  readonly waitedMs: number;
  /** The cores counted at the window's end; 0 where the platform lists none. */
  readonly cores: number;
}

/**
 * How often the CPU counters advance (ms). Linux counts each core's time in
 * clock ticks of USER_HZ, 100 a second, and macOS in CLK_TCK, also 100, which
 * libuv turns into milliseconds; Windows adds up time at its clock interrupt,
 * 64 a second unless a program asks for more.
 */
export function cpuTickMs(platform: string): number {
  return platform === 'win32' ? 15.625 : 10;
}

/** Ticks a window must hold in all cores together: one then moves the busy share by at most 5 points. */
const TICKS_IN_ALL = 20;
/** Ticks each core must count: a window's either end can cut a tick, so fewer are more edge than window. */
const TICKS_PER_CORE = 2;

/**
 * The shortest window whose busy share says something. Over W ms the
 * counters of n cores hold W·n/tick ticks in all, and one tick moves the share
 * by tick/(W·n)·100 points: on Linux 10/(W·n)·100 %, so 50 ms on 2 cores
 * counts in steps of 10 points, the whole width of `idle`. At 20 ticks in all
 * a step is 5 points, half the narrowest load word's band (idle, under 10 %),
 * so a figure lands in the wrong word only within a tick of a border. Taking
 * out the process's own CPU time (known to the microsecond, where the
 * machine's is known to the tick) costs no more than a tick either. And each
 * core must count two ticks: a window's either end can cut one, and a core
 * that counts fewer is more edge than window. So on Linux: 200 ms on 1 core,
 * 100 ms on 2, 50 ms on 4, 20 ms from 10 cores; never where the platform lists
 * no cores.
 */
export function shortestCpuWindowMs(cores: number, tickMs: number): number {
  if (!(cores >= 1)) return Number.POSITIVE_INFINITY;
  return Math.ceil(tickMs * Math.max(TICKS_PER_CORE, TICKS_IN_ALL / cores));
}

/** The seed's words for load, from measured utilisation instead of an agent count. */
export function cpuLoadOf(percent: number): CpuLoad {
  if (percent < 10) return 'idle';
  if (percent < 40) return 'low';
  if (percent < 75) return 'medium';
  return 'high';
}
