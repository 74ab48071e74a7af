import type { ListedProcess, ListingOptions } from './listedProcess';
import {
  listProcPids,
  readKernelUnits,
  readProcArgv,
  readProcCwd,
  readProcStat,
  readProcUids,
  readUptimeMs,
  type ProcStat,
} from './procFiles';

/**
 * What a Linux listing reads of /proc, one call per file, so a test can
 * count the reads or give a machine of its own.
 */
export interface ProcReader {
  /** Every pid in /proc now; throws when /proc cannot be listed. */
  pids(): number[];
  stat(pid: number): ProcStat | null;
  argv(pid: number): { readonly argv: string[] } | null;
  uids(pid: number): readonly number[] | null;
  cwd(pid: number): string | null;
  /** Milliseconds since boot: with `ticksPerSecond`, how old a process is. Null when unknown. */
  uptimeMs(): number | null;
  readonly ticksPerSecond: number;
}

let units: number | null = null;

/** /proc itself (sources/processes/procFiles.ts): every read bounded, its descriptor closed before it returns. */
export const procReader: ProcReader = {
  pids: listProcPids,
  stat: readProcStat,
  argv: readProcArgv,
  uids: readProcUids,
  cwd: readProcCwd,
  uptimeMs: readUptimeMs,
  get ticksPerSecond(): number {
    units ??= readKernelUnits().ticksPerSecond;
    return units;
  },
};

/**
 * One process as a listing shows it, from its stat; its arguments, owner
 * and cwd only when `details` asks for them. Null when it does not run, or
 * its arguments cannot be read (a kernel thread, a process that has exited).
 * Throws DescriptorsExhausted when no descriptor is left, which says nothing
 * of the process.
 */
export function describeFromProc(
  reader: ProcReader,
  pid: number,
  details: ListingOptions['details'],
  stat: ProcStat | null = reader.stat(pid),
): ListedProcess | null {
  if (stat === null) return null;
  const base = { pid, ppid: stat.ppid, executable: stat.comm, startTicks: stat.startTicks };
  if (!details(stat.comm)) return { ...base, uid: null, uids: null, argv: null, commandLine: '', cwd: null };
  const read = reader.argv(pid);
  if (read === null) return null;
  const uids = reader.uids(pid);
  return {
    ...base,
    uid: uids?.[0] ?? null,
    uids,
    argv: read.argv,
    commandLine: read.argv.join(' '),
    cwd: reader.cwd(pid),
  };
}
