import os from 'node:os';
import { sumCpuTimes, type CpuTimes } from '../../core/cpu';

/** A point on the machine's CPU clock, with this process's own CPU time at that point. */
export interface CpuMark {
  readonly times: CpuTimes;
  /** When, by the probe's clock (ms). */
  readonly at: number;
  /** This process's CPU time so far, user and system (ms). */
  readonly ownMs: number;
  /** The cores counted; absent where a mark was made by hand. */
  readonly cores?: number;
}

/** This process's CPU time so far, user and system, in milliseconds. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export interface CpuMarkSource {
  readonly machine?: Pick<typeof os, 'cpus'>;
  readonly platform?: NodeJS.Platform;
  readonly clock?: () => number;
  readonly ownCpu?: () => number;
}

/**
 * Reads the machine's cumulative CPU times now: the start of a CPU window. Cheap enough to take before anything loads.
 */
export function markCpu(source: CpuMarkSource = {}): CpuMark {
  const cores = (source.machine ?? os).cpus();
  return {
    times: sumCpuTimes(cores, source.platform ?? process.platform),
    at: (source.clock ?? Date.now)(),
    ownMs: (source.ownCpu ?? ownCpuMs)(),
    cores: cores.length,
  };
}
