import type { WindowsProcessReader } from './windowsProcessTable';

/** A pid's measurement from the table: the shape of processMeasure's `Measurement`, without Linux's clock ticks. */
export interface WindowsMeasurement {
  readonly cpuPercent: number | null;
  readonly rssBytes: number | null;
  readonly startedAt: number | null;
}

/** A pid's last CPU sample, and the figure it gave, for another read of the same table. */
interface Sample {
  readonly startedMs: number | null;
  readonly cpuTime100ns: number;
  readonly atMs: number;
  readonly cpuPercent: number | null;
}

/** Samples kept at most this long unasked, and at most this many, as on Linux. */
const SAMPLE_MAX_AGE_MS = 5 * 60_000;
const SAMPLE_LIMIT = 1000;

/**
 * Windows: the pids' working set, CPU and start from the reader's table, the
 * same one the listing and the registry's pids read, so measuring starts no
 * program of its own. A pid the table does not hold has exited: the table is
 * the whole machine, and one that did not come throws (the scan then checks
 * the pids by themselves). The CPU figure compares with the last table that
 * held the very same process (same creation time); a second read of one
 * table gives the figure the first gave.
 */
export function measureFromWindowsTable(
  reader: WindowsProcessReader,
  now: () => number = Date.now,
  wallClock: () => number = Date.now,
): (pids: readonly number[]) => Promise<Map<number, WindowsMeasurement>> {
  const samples = new Map<number, Sample>();
  return async (pids) => {
    const measured = new Map<number, WindowsMeasurement>();
    if (pids.length === 0) return measured;
    const table = await reader.read();
    const at = now();
    const wall = wallClock();
    for (const pid of new Set(pids)) {
      const row = table.rows.get(pid);
      if (row === undefined) {
        samples.delete(pid);
        continue;
      }
      const previous = samples.get(pid);
      const same = previous !== undefined && previous.startedMs === row.startedMs;
      let cpuPercent: number | null = null;
      if (same && previous.atMs === table.atMs) cpuPercent = previous.cpuPercent;
      else if (same && row.cpuTime100ns !== null && table.atMs > previous.atMs) {
        cpuPercent = Math.max(
          0,
          ((row.cpuTime100ns - previous.cpuTime100ns) / 10_000 / (table.atMs - previous.atMs)) * 100,
        );
      }
      // A table older than the last sample (a fresh read overtook it) leaves the sample as it is.
      if (row.cpuTime100ns !== null && (previous === undefined || !same || table.atMs >= previous.atMs)) {
        samples.delete(pid);
        samples.set(pid, { startedMs: row.startedMs, cpuTime100ns: row.cpuTime100ns, atMs: table.atMs, cpuPercent });
      }
      measured.set(pid, {
        cpuPercent,
        rssBytes: row.workingSetBytes,
        // The monitor's clock, so that its uptimes (now − startedAt) come from one clock.
        startedAt: row.startedMs === null ? null : at - (wall - row.startedMs),
      });
    }
    forgetOldSamples(samples, table.atMs);
    return measured;
  };
}

function forgetOldSamples(samples: Map<number, Sample>, atMs: number): void {
  for (const [pid, sample] of samples) if (atMs - sample.atMs > SAMPLE_MAX_AGE_MS) samples.delete(pid);
  // Oldest first, as a Map keeps its insertion order and a renewed sample is inserted again.
  for (const pid of samples.keys()) {
    if (samples.size <= SAMPLE_LIMIT) break;
    samples.delete(pid);
  }
}
