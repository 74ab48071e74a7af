import { readProcStat } from './procFiles';

/**
 * Where no exact start is read, a pid whose start differs by more than this from the one measured before is another
 * process.
 */
export const START_TOLERANCE_MS = 3000;

/**
 * When a process started: exactly (Linux: clock ticks after boot, stat's field 22), or to a second or so (epoch ms).
 */
export interface ProcessStart {
  readonly ticks: number | null;
  readonly at: number | null;
}

/**
 * Whether two starts are surely one process's: the same ticks where both are known, else within START_TOLERANCE_MS.
 * Unknown is not the same.
 */
export function sameStart(a: ProcessStart, b: ProcessStart): boolean {
  if (a.ticks !== null && b.ticks !== null) return a.ticks === b.ticks;
  return a.at !== null && b.at !== null && Math.abs(a.at - b.at) <= START_TOLERANCE_MS;
}

/** Whether two starts are surely two processes': known on both sides, and apart. */
export function anotherStart(a: ProcessStart, b: ProcessStart): boolean {
  if (a.ticks !== null && b.ticks !== null) return a.ticks !== b.ticks;
  return a.at !== null && b.at !== null && Math.abs(a.at - b.at) > START_TOLERANCE_MS;
}

/**
 * The pid's start now, read at once (Linux); null when it does not run (or
 * has exited and waits to be reaped), undefined where the platform cannot say
 * without starting a program. Throws when no descriptor is left.
 */
export function readProcessStart(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): ProcessStart | null | undefined {
  if (platform !== 'linux' && platform !== 'android') return undefined;
  const stat = readProcStat(pid);
  return stat === null || stat.state === 'Z' || stat.state === 'X' ? null : { ticks: stat.startTicks, at: null };
}
