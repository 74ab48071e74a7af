import type { ProcessReading } from '../../core/readings';
import { pidAlive } from './pidAlive';
import { measureProcesses, type Measure } from './processMeasure';
import { readKernelUnits, readProcStat } from './procFiles';

let pageBytes: number | null = null;

export interface ProbeOptions {
  readonly platform?: NodeJS.Platform;
  /** Off Linux: measures the live pids, all in one call (default: this platform's measurer). */
  readonly measure?: Measure;
  /** Whether a pid runs (default: a signal 0, which starts no program). */
  readonly alive?: (pid: number) => boolean;
}

const usable = (bytes: number | null | undefined): number | null =>
  typeof bytes === 'number' && Number.isFinite(bytes) && bytes > 0 ? bytes : null;

/** Linux: from /proc/<pid>/stat, read and closed at once (pidusage would keep a descriptor per pid for a minute). */
function residentFromProc(pid: number): number | null {
  try {
    pageBytes ??= readKernelUnits().pageBytes;
    const pages = readProcStat(pid)?.rssPages ?? Number.NaN;
    return usable(pages * pageBytes);
  } catch {
    return null;
  }
}

/**
 * Resident memory of the live pids. Off Linux all of them in one call: on
 * Windows that is the poll's process table, which the scanner reads anyway
 * (sources/processes/windowsProcessTable.ts), so the registry's pids start no program
 * of their own; on macOS one `ps` for all. Null for a pid that cannot be
 * read, or for all when the call fails: a probe never fails the poll.
 */
async function residentBytes(
  pids: readonly number[],
  options: ProbeOptions,
): Promise<ReadonlyMap<number, number | null>> {
  const platform = options.platform ?? process.platform;
  if (platform === 'linux' || platform === 'android') return new Map(pids.map((pid) => [pid, residentFromProc(pid)]));
  if (pids.length === 0) return new Map();
  try {
    const measured = await (options.measure ?? measureProcesses(Date.now, platform))(pids);
    return new Map(pids.map((pid) => [pid, usable(measured.get(pid)?.rssBytes)]));
  } catch {
    return new Map();
  }
}

/** Whether each pid the registry gave lives on this machine, and how much memory it holds. */
export async function probeProcesses(
  pids: readonly number[],
  options: ProbeOptions = {},
): Promise<Map<number, ProcessReading>> {
  const alive = options.alive ?? pidAlive;
  const unique = [...new Set(pids)];
  const running = unique.filter((pid) => alive(pid));
  const resident = await residentBytes(running, options);
  return new Map(
    unique.map((pid): [number, ProcessReading] =>
      running.includes(pid)
        ? [pid, { alive: true, rssBytes: resident.get(pid) ?? null }]
        : [pid, { alive: false, rssBytes: null }],
    ),
  );
}
