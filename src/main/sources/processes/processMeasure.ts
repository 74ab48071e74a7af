import { clipText, TEXT_LIMITS } from '../../../shared/clipText';
import { errorText } from '../../../shared/errorText';
import { modelVariableOf } from '../../core/echoProcess';
import { pidRuns } from './processListing';
import {
  isOutOfDescriptors,
  readKernelUnits,
  readProcEnvironValue,
  readProcStat,
  readUptimeMs,
  type KernelUnits,
} from './procFiles';
import { measureFromWindowsTable } from './windowsMeasure';
import { sharedWindowsReader, type WindowsProcessReader } from './windowsProcessTable';

/** One pid's measurement. `cpuPercent` is a share of one core, null when the measurer has no baseline. */
export interface Measurement {
  readonly cpuPercent: number | null;
  readonly rssBytes: number | null;
  /** Epoch ms. */
  readonly startedAt: number | null;
  /** Linux: clock ticks after boot, exact, so a pid given to another process is told from the one measured before. */
  readonly startTicks?: number | null;
}

export type Measure = (pids: readonly number[]) => Promise<Map<number, Measurement>>;

/** A pid's last CPU sample, to compare the next with. */
interface Sample {
  readonly startTicks: number;
  readonly cpuTicks: number;
  /** performance.now() when it was read: CPU time over a window of monotonic time. */
  readonly atMs: number;
}

/**
 * Samples kept at most this long unasked, and at most this many: no more than a few polls' worth of ECHO's processes.
 */
const SAMPLE_MAX_AGE_MS = 5 * 60_000;
const SAMPLE_LIMIT = 1000;

/**
 * Linux: each pid's `/proc/<pid>/stat`, opened, read and closed on each
 * measurement (sources/processes/procFiles.ts), so no descriptor outlives the call,
 * however often pids exit and are given to other processes. The CPU figure
 * compares with the last sample of that very process (same start), kept
 * here for a bounded number of pids. Throws when no descriptor is left, so
 * the poll reports the processes unknown rather than gone.
 */
export function measureFromProc(now: () => number = Date.now, units: KernelUnits = readKernelUnits()): Measure {
  const samples = new Map<number, Sample>();
  return (pids) => {
    const measured = new Map<number, Measurement>();
    if (pids.length === 0) return Promise.resolve(measured);
    const uptimeMs = readUptimeMs();
    const at = now();
    const atMs = performance.now();
    for (const pid of new Set(pids)) {
      const stat = readProcStat(pid);
      // A zombie (exited, not reaped: init in some containers never does) has stopped all the same.
      if (stat === null || stat.state === 'Z' || stat.state === 'X') {
        samples.delete(pid);
        continue;
      }
      const previous = samples.get(pid);
      // Only the same process's last sample is a baseline: a pid given to another starts afresh.
      const baseline = previous?.startTicks === stat.startTicks ? previous : undefined;
      const elapsedMs = baseline === undefined ? 0 : atMs - baseline.atMs;
      const cpuPercent =
        baseline === undefined
          ? null
          : elapsedMs > 0
            ? Math.max(0, (((stat.cpuTicks - baseline.cpuTicks) / units.ticksPerSecond) * 1000 * 100) / elapsedMs)
            : 0;
      samples.delete(pid);
      samples.set(pid, { startTicks: stat.startTicks, cpuTicks: stat.cpuTicks, atMs });
      const startMs = (stat.startTicks / units.ticksPerSecond) * 1000;
      measured.set(pid, {
        cpuPercent,
        rssBytes: Number.isFinite(stat.rssPages) ? stat.rssPages * units.pageBytes : null,
        // The monitor's clock, so that its uptimes (now − startedAt) come from one clock.
        startedAt: uptimeMs === null ? null : at - (uptimeMs - startMs),
        startTicks: stat.startTicks,
      });
    }
    forgetOldSamples(samples, atMs);
    return Promise.resolve(measured);
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

function isGone(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ESRCH');
}

const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * macOS (and Windows where a caller asks for it by name): `pidusage` (ps,
 * wmic or PowerShell), whose own history gives the CPU between two calls. It
 * keeps no descriptor there (only on Linux, which measures from /proc
 * instead), and its history-cleaning interval is `unref`'d: nothing needs
 * closing. Loaded only where it is used.
 *
 * pidusage knows wmic's "none found" only in English (`No Instance(s)
 * Available.`); on a Windows in another language (`利用できるインスタンスがありません。`
 * in Japanese) the same answer is a bare error carrying wmic's words. So an
 * error is never read by its words: each pid is then checked by itself
 * (`pidRuns`, a signal 0), and when none runs, none is measured; while one
 * still runs, the error stands, as nothing says what it measures now.
 */
export function measureWithPidusage(
  now: () => number = Date.now,
  platform: NodeJS.Platform = process.platform,
): Measure {
  return async (pids) => {
    const measured = new Map<number, Measurement>();
    if (pids.length === 0) return measured;
    const { default: pidusage } = await import('pidusage');
    let stats: Partial<Record<string, { cpu: number; memory: number; elapsed: number }>>;
    try {
      // pidusage writes into the array it is given.
      stats = await pidusage([...pids]);
    } catch (error) {
      // One pid that exited (or none of several found by `ps`) is an error; several are left out quietly.
      if (isGone(error) || !pids.some((pid) => pidRuns(pid, platform))) return measured;
      throw error;
    }
    const at = now();
    for (const pid of pids) {
      const stat = stats[String(pid)];
      if (!stat || !pidRuns(pid, platform)) continue;
      const elapsed = finite(stat.elapsed);
      measured.set(pid, {
        cpuPercent: finite(stat.cpu),
        rssBytes: finite(stat.memory),
        startedAt: elapsed === null ? null : at - elapsed,
      });
    }
    return measured;
  };
}

/** What the scanner keeps of a pid it follows: the start it measured. */
interface KnownStart {
  readonly startedAt: number | null;
  readonly startTicks: number | null;
}

/**
 * A measuring error, survived. It says nothing of the processes (pidusage
 * turns wmic's "none found" in any language but English into a bare error;
 * PowerShell may time out), so each pid is checked by itself (`alive`: a
 * signal 0, and on Linux not a zombie): one that no longer runs leaves
 * `tracked`, one that runs goes into `readings` without memory or CPU, with
 * the start measured before, and `dropped` says why. Returns null, for "list
 * now": the listing says what each pid runs. With no descriptor left nothing
 * can be checked: the error is thrown, and the processes are unknown rather
 * than gone.
 */
export function surviveMeasuringError(
  error: unknown,
  pids: readonly number[],
  tracked: Map<number, KnownStart>,
  readings: Map<number, Measurement>,
  dropped: string[],
  alive: (pid: number) => boolean = (pid) => pidRuns(pid),
): null {
  if (isOutOfDescriptors(error)) throw error;
  let running: number[];
  try {
    running = pids.filter((pid) => alive(pid));
  } catch {
    throw error;
  }
  let shown = 0;
  for (const pid of pids) {
    const known = tracked.get(pid);
    if (known === undefined) continue;
    if (!running.includes(pid)) tracked.delete(pid);
    else {
      readings.set(pid, { cpuPercent: null, rssBytes: null, startedAt: known.startedAt, startTicks: known.startTicks });
      shown += 1;
    }
  }
  const reason = `ECHO's processes could not be measured (${errorText(error)}); those running are shown without memory or CPU`;
  if (shown > 0 && !dropped.includes(reason)) dropped.push(reason);
  return null;
}

/**
 * This platform's measurer: /proc on Linux, the process table on Windows
 * (one PowerShell a poll for the whole monitor, through `windows` or the
 * shared reader), pidusage on macOS.
 */
export function measureProcesses(
  now: () => number = Date.now,
  platform: NodeJS.Platform = process.platform,
  windows?: WindowsProcessReader,
): Measure {
  if (platform === 'linux' || platform === 'android') return measureFromProc(now);
  if (platform === 'win32') return measureFromWindowsTable(windows ?? sharedWindowsReader(), now);
  return measureWithPidusage(now, platform);
}

/**
 * `<ROLE>_MODEL` from `/proc/<pid>/environ` on Linux, from its first
 * ENVIRONMENT_READ_LIMIT bytes, cut as any label is (a process chooses its
 * environment, 131 KB of model name if it likes, and the name rides in every
 * snapshot); null elsewhere, or when it is not ours to read. Throws when no
 * descriptor is left, so the scanner reads it again later.
 */
export function readModelFromEnviron(
  pid: number,
  role: string,
  platform: NodeJS.Platform = process.platform,
): Promise<string | null> {
  if (platform !== 'linux') return Promise.resolve(null);
  try {
    const value = readProcEnvironValue(pid, modelVariableOf(role));
    return Promise.resolve(value === null || value === '' ? null : clipText(value, TEXT_LIMITS.label));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
