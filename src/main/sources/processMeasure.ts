import { readFile } from 'node:fs/promises';
import pidusage from 'pidusage';
import { modelVariableOf } from '../core/echoProcess';
import { pidAlive } from './pidAlive';
import { pidRuns } from './processListing';

/** One pid's measurement. `cpuPercent` is a share of one core, null when the measurer has no baseline. */
export interface Measurement {
  readonly cpuPercent: number | null;
  readonly rssBytes: number | null;
  /** Epoch ms. */
  readonly startedAt: number | null;
}

function isGone(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ESRCH');
}

async function pidusageStats(pids: readonly number[]): Promise<Map<number, pidusage.Status>> {
  try {
    // pidusage writes into the array it is given.
    const stats: Partial<Record<string, pidusage.Status>> = await pidusage([...pids]);
    const found = new Map<number, pidusage.Status>();
    for (const pid of pids) {
      const stat = stats[String(pid)];
      if (stat) found.set(pid, stat);
    }
    return found;
  } catch (error) {
    // One pid that exited (or none of several found by `ps`) is an error; several are left out quietly.
    if (isGone(error)) return new Map();
    throw error;
  }
}

const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * Measures with `pidusage`, whose own history gives the CPU between two calls,
 * so nothing here keeps samples. Its history-cleaning interval is `unref`'d:
 * it never holds the process open, so nothing needs closing.
 */
export function measureWithPidusage(now: () => number = Date.now, platform: NodeJS.Platform = process.platform) {
  let previous: readonly number[] = [];
  return async (pids: readonly number[]): Promise<Map<number, Measurement>> => {
    if (pids.length === 0) return new Map();
    const stats = await pidusageStats(pids);
    // An exited process its parent has not reaped yet (init in some containers never does) still answers: it has stopped all the same.
    for (const pid of stats.keys()) if (!pidRuns(pid, platform)) stats.delete(pid);
    const at = now();
    // On Linux pidusage keeps each pid's /proc/<pid>/stat open and reads that descriptor
    // again. Once the process exits and its pid goes to another, the old descriptor reads
    // ESRCH, on every call, since each call renews the entry. The process measured before
    // has exited, so the pid is reported gone; clear() makes pidusage open the pid afresh.
    // It forgets every pid's history (and leaves their descriptors open: a few, on a rare
    // pid reuse), so the pids followed are read again at once to keep their CPU baseline.
    const reused = platform === 'linux' ? pids.filter((pid) => !stats.has(pid) && pidAlive(pid)) : [];
    if (reused.length > 0) {
      pidusage.clear();
      const followed = [...new Set([...previous, ...pids])].filter((pid) => !reused.includes(pid));
      if (followed.length > 0) await pidusageStats(followed);
    }
    previous = pids;
    const measured = new Map<number, Measurement>();
    for (const [pid, stat] of stats) {
      const elapsed = finite(stat.elapsed);
      measured.set(pid, {
        cpuPercent: finite(stat.cpu),
        rssBytes: finite(stat.memory),
        // The monitor's clock, so that its uptimes (now − startedAt) come from one clock.
        startedAt: elapsed === null ? null : at - elapsed,
      });
    }
    return measured;
  };
}

/** `<ROLE>_MODEL` from `/proc/<pid>/environ` on Linux; null elsewhere, or when it is not ours to read. */
export async function readModelFromEnviron(pid: number, role: string, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (platform !== 'linux') return null;
  try {
    const prefix = `${modelVariableOf(role)}=`;
    const entry = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').find((line) => line.startsWith(prefix));
    return entry && entry.length > prefix.length ? entry.slice(prefix.length) : null;
  } catch {
    return null;
  }
}

