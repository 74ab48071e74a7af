import type { ListedProcess, ListingOptions } from './listedProcess';
import { describeMacProcess, MacListingMemory } from './macProcessListing';
import { pidAlive } from './pidAlive';
import { readProcStat } from './procFiles';
import { describeFromProc, procReader } from './procReader';
import { ProcTable } from './procTable';
import { sharedWindowsReader, type WindowsProcessReader } from './windowsProcessTable';

export { listedProcessSchema, type ListedProcess, type ListingOptions } from './listedProcess';
export { parseLsofCwd } from './macProcessListing';

/**
 * Linux: /proc directly (sources/processes/procFiles.ts), each file read with one
 * descriptor closed at once, and at most a bound of bytes. Every process's
 * `stat` gives its executable's name (comm), parent and start; `cmdline`
 * (its first ARGUMENTS_READ_LIMIT bytes), `cwd` and `status` are read only
 * for the processes asked about. Another user's cwd cannot be read (null),
 * unless this process runs as root. A process that exits while it is read is
 * simply not listed; no descriptor left throws, as that says nothing of the
 * process.
 */
export function describeLinuxProcess(pid: number, details: ListingOptions['details']): ListedProcess | null {
  return describeFromProc(procReader, pid, details);
}

/**
 * What a listing remembers from one call to the next: on Linux the process
 * table (sources/processes/procTable.ts), so a listing reads only the pids it
 * has not seen; on macOS each VM's working directory, so `lsof` runs for new
 * VMs only. Windows' table is read whole each time (its reader is the poll's).
 */
export interface ListingMemory {
  readonly linux: ProcTable;
  readonly mac: MacListingMemory;
}

export const listingMemory = (): ListingMemory => ({ linux: new ProcTable(), mac: new MacListingMemory() });

/** A listing with a memory of its own: each call after the first reads only what is new (the scanner's). */
export function rememberingLister(
  memory: ListingMemory = listingMemory(),
): (options: ListingOptions) => Promise<ListedProcess[]> {
  return (options) => listProcesses(options, memory);
}

/**
 * Windows: the process table (sources/processes/windowsProcessTable.ts), one CIM query
 * through PowerShell that gives each process's Name (`erl.exe`), parent and
 * CommandLine, and its memory, CPU time and start, which the poll's
 * measuring takes from the same table: a poll that lists starts no other
 * program. Windows does not give another process's working directory, so an
 * agent started with a relative path is not recognised there.
 */
async function listWindows(reader: WindowsProcessReader, fresh: boolean): Promise<ListedProcess[]> {
  const { rows } = await reader.read({ fresh });
  return [...rows.values()].flatMap((row) =>
    // pid 0 is the System Idle Process, which has no command line and is never an agent.
    row.pid === 0
      ? []
      : [
          {
            pid: row.pid,
            ppid: row.ppid,
            uid: null,
            executable: row.name,
            argv: null,
            commandLine: row.commandLine ?? '',
            cwd: null,
          },
        ],
  );
}

/**
 * Every process of this machine; throws when the platform could not list them. With no memory given, a listing that
 * remembers nothing: every process is read.
 */
export async function listProcesses(
  options: ListingOptions,
  memory: ListingMemory = listingMemory(),
): Promise<ListedProcess[]> {
  const platform = options.platform ?? process.platform;
  if (platform === 'linux' || platform === 'android')
    return memory.linux.list(options.details, { reread: options.reread, recheck: options.recheck });
  if (platform === 'darwin') return memory.mac.list(options.details, options.reread === true);
  return listWindows(options.windows ?? sharedWindowsReader(), options.fresh === true);
}

/**
 * Whether a pid still runs a process: on Linux a zombie (exited, waiting for
 * its parent to reap it) has stopped, though a signal 0 still reaches it.
 * Throws when no descriptor is left to tell.
 */
export function pidRuns(pid: number, platform: NodeJS.Platform = process.platform): boolean {
  if (!pidAlive(pid)) return false;
  if (platform !== 'linux' && platform !== 'android') return true;
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** One process as a listing would show it, with its details; null when it does not run. */
export async function describeProcess(
  pid: number,
  platform: NodeJS.Platform = process.platform,
  windows?: WindowsProcessReader,
): Promise<ListedProcess | null> {
  if (platform === 'linux' || platform === 'android') return describeLinuxProcess(pid, () => true);
  if (platform === 'darwin') return describeMacProcess(pid);
  // What Stop checks right before its signal: on Windows a table begun now, not the poll's.
  const listed = await listProcesses({ details: () => false, platform, windows, fresh: true });
  return listed.find((candidate) => candidate.pid === pid) ?? null;
}
