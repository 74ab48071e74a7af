import type { ProcessReading } from '../core/readings';
import { pidAlive } from './pidAlive';
import { readKernelUnits, readProcStat } from './procFiles';

const onLinux = process.platform === 'linux' || process.platform === 'android';
let pageBytes: number | null = null;

/**
 * Resident memory: on Linux from /proc/<pid>/stat, read and closed at once
 * (pidusage would keep a descriptor per pid for a minute); elsewhere through
 * pidusage, which keeps none there. Null when it cannot be read, or when no
 * descriptor is left: a probe never fails the poll.
 */
async function residentBytes(pid: number): Promise<number | null> {
  try {
    if (onLinux) {
      pageBytes ??= readKernelUnits().pageBytes;
      const pages = readProcStat(pid)?.rssPages ?? Number.NaN;
      return Number.isFinite(pages) && pages > 0 ? pages * pageBytes : null;
    }
    const { default: pidusage } = await import('pidusage');
    const { memory } = await pidusage(pid);
    return Number.isFinite(memory) && memory > 0 ? memory : null;
  } catch {
    return null;
  }
}

/** Whether each pid the registry gave lives on this machine, and how much memory it holds. */
export async function probeProcesses(pids: readonly number[]): Promise<Map<number, ProcessReading>> {
  const readings = await Promise.all(
    [...new Set(pids)].map(async (pid): Promise<[number, ProcessReading]> => {
      const alive = pidAlive(pid);
      return [pid, { alive, rssBytes: alive ? await residentBytes(pid) : null }];
    }),
  );
  return new Map(readings);
}
