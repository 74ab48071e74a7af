import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { ProcessFacts } from '../../core/echoProcess';
import { childEnvironment } from '../childEnvironment';
import { pidAlive } from './pidAlive';
import { ARGUMENTS_READ_LIMIT, listProcPids, readProcArgv, readProcCwd, readProcStat, readProcUids } from './procFiles';
import { sharedWindowsReader, type WindowsProcessReader } from './windowsProcessTable';

/** One process of a listing. Details beyond pid, parent and executable are read only for the processes asked about. */
export interface ListedProcess extends ProcessFacts {
  readonly pid: number;
  /** The parent's pid; null where the platform does not say. */
  readonly ppid: number | null;
  /** The owner's user id; null on Windows, which has none. */
  readonly uid: number | null;
  /**
   * Linux: the real, effective, saved and filesystem user ids, all of which must be one user's for the process to be
   * that user's.
   */
  readonly uids?: readonly number[] | null;
  /** Linux: when it started, clock ticks after boot (stat's field 22); with the pid it names one process. */
  readonly startTicks?: number | null;
}

/** A listing's entry as it must be to be read: a listing injected in its place may give anything. */
export const listedProcessSchema = z.object({
  pid: z.number().int().positive(),
  ppid: z.number().int().nonnegative().nullable(),
  uid: z.number().int().nonnegative().nullable(),
  uids: z.array(z.number().int().nonnegative()).nullable().optional(),
  startTicks: z.number().int().nonnegative().nullable().optional(),
  executable: z.string().nullable(),
  argv: z.array(z.string()).nullable(),
  commandLine: z.string(),
  cwd: z.string().nullable(),
});

export interface ListingOptions {
  /** Whether a process with this executable needs its arguments and working directory (they cost a read each). */
  readonly details: (executable: string | null) => boolean;
  readonly platform?: NodeJS.Platform;
  /** Windows: the process table's reader (default: the monitor's one, which measuring shares). */
  readonly windows?: WindowsProcessReader;
  /** Windows: a table begun for this listing, not the poll's (Stop's look right before its signal). */
  readonly fresh?: boolean;
}

const run = promisify(execFile);
const LISTING_TIMEOUT_MS = 10_000;

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
  const stat = readProcStat(pid);
  if (stat === null) return null;
  const base = { pid, ppid: stat.ppid, executable: stat.comm, startTicks: stat.startTicks };
  if (!details(stat.comm)) return { ...base, uid: null, uids: null, argv: null, commandLine: '', cwd: null };
  const read = readProcArgv(pid);
  if (read === null) return null;
  const uids = readProcUids(pid);
  return {
    ...base,
    uid: uids?.[0] ?? null,
    uids,
    argv: read.argv,
    commandLine: read.argv.join(' '),
    cwd: readProcCwd(pid),
  };
}

function listLinux(details: ListingOptions['details']): ListedProcess[] {
  return listProcPids().flatMap((pid) => describeLinuxProcess(pid, details) ?? []);
}

/**
 * macOS: `ps` lists pid, parent, owner and the executable's accounting name
 * (`ucomm`: `beam.smp` for a VM whose argv[0] is the script's path); a second
 * `ps` prints the arguments of the processes asked about, and `lsof` their
 * working directories.
 */
async function listMac(details: ListingOptions['details']): Promise<ListedProcess[]> {
  const { stdout } = await run('ps', ['-axo', 'pid=,ppid=,uid=,ucomm='], {
    timeout: LISTING_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
    env: childEnvironment(),
  });
  const listed = parseMacPs(stdout);
  const wanted = listed.filter((entry) => details(entry.executable)).map((entry) => entry.pid);
  if (wanted.length === 0) return listed;
  const [args, cwds] = await Promise.all([macArguments(wanted), macWorkingDirectories(wanted)]);
  return listed.flatMap((entry) => {
    if (!wanted.includes(entry.pid)) return [entry];
    const commandLine = args.get(entry.pid);
    // Gone between the two calls.
    if (commandLine === undefined) return [];
    return [{ ...entry, commandLine, cwd: cwds.get(entry.pid) ?? null }];
  });
}

/** `ps -axo pid=,ppid=,uid=,ucomm=`: three numbers, then the name, which may hold spaces. */
export function parseMacPs(text: string): ListedProcess[] {
  return text.split('\n').flatMap((line) => {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*?)\s*$/.exec(line);
    if (!match?.[1] || !match[2] || !match[3] || match[4] === undefined) return [];
    return [
      {
        pid: Number(match[1]),
        ppid: Number(match[2]),
        uid: Number(match[3]),
        executable: match[4],
        argv: null,
        commandLine: '',
        cwd: null,
      },
    ];
  });
}

async function macArguments(pids: readonly number[]): Promise<Map<number, string>> {
  // A process chooses its own arguments, a megabyte of them if it likes: each line is kept to the cap Linux reads.
  const { stdout } = await run('ps', ['-ww', '-o', 'pid=,args=', '-p', pids.join(',')], {
    timeout: LISTING_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: childEnvironment(),
  }).catch(() => ({
    stdout: '',
  }));
  const found = new Map<number, string>();
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+) /.exec(line);
    if (match?.[1]) found.set(Number(match[1]), line.slice(match[0].length, match[0].length + ARGUMENTS_READ_LIMIT));
  }
  return found;
}

/** `lsof -Fn` prints `p<pid>`, then `fcwd` and `n<path>` for the cwd. */
export function parseLsofCwd(text: string): Map<number, string> {
  const found = new Map<number, string>();
  let pid: number | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('p')) pid = Number(line.slice(1));
    // lsof prints what it could not read in place of the path (`/proc/1/cwd (readlink: Permission denied)`): only a
    // bare path is one.
    else if (
      line.startsWith('n') &&
      pid !== null &&
      Number.isInteger(pid) &&
      !/ \((?:readlink|stat|lstat|open): [^)]*\)$/.test(line)
    )
      found.set(pid, line.slice(1));
  }
  return found;
}

async function macWorkingDirectories(pids: readonly number[]): Promise<Map<number, string>> {
  // lsof exits 1 when one of the pids has gone; what it printed for the others still holds.
  const output = await run('lsof', ['-a', '-d', 'cwd', '-Fn', '-p', pids.join(',')], {
    timeout: LISTING_TIMEOUT_MS,
    env: childEnvironment(),
  }).then(
    (done) => done.stdout,
    (error: unknown) =>
      error instanceof Error && 'stdout' in error && typeof error.stdout === 'string' ? error.stdout : '',
  );
  return parseLsofCwd(output);
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

/** Every process of this machine; throws when the platform could not list them. */
export async function listProcesses(options: ListingOptions): Promise<ListedProcess[]> {
  const platform = options.platform ?? process.platform;
  if (platform === 'linux' || platform === 'android') return listLinux(options.details);
  if (platform === 'darwin') return listMac(options.details);
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
  // What Stop checks right before its signal: on Windows a table begun now, not the poll's.
  const listed = await listProcesses({ details: () => false, platform, windows, fresh: true });
  const entry = listed.find((candidate) => candidate.pid === pid);
  if (entry === undefined || platform !== 'darwin') return entry ?? null;
  const [args, cwds] = await Promise.all([macArguments([pid]), macWorkingDirectories([pid])]);
  const commandLine = args.get(pid);
  return commandLine === undefined ? null : { ...entry, commandLine, cwd: cwds.get(pid) ?? null };
}
