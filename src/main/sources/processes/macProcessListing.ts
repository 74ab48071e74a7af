import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { childEnvironment } from '../childEnvironment';
import type { ListedProcess, ListingOptions } from './listedProcess';
import { ARGUMENTS_READ_LIMIT } from './procFiles';

/**
 * macOS: one `ps` lists every process with its parent, owner, accounting
 * name and arguments, and `lsof` gives the working directory of a VM the
 * listing has not seen before, once per pid. This is modelled, not recorded:
 * the output's shape is read from Apple's sources (adv_cmds-237, ps/print.c
 * and ps/keyword.c), and the tests run it on composed lines and on Linux's
 * procps, which prints the same columns.
 */

const run = promisify(execFile);
const LISTING_TIMEOUT_MS = 10_000;

/**
 * What one `ps` prints of each process: pid, parent, real user id, the
 * accounting name and the arguments. Apple's ps (adv_cmds, ps/print.c and
 * keyword.c) prints the numbers right-justified in five columns (wider when
 * the value is: nobody's uid is 4294967294), `ucomm` left-justified in
 * MAXCOMLEN (16) columns with `%-*s` whatever its place, then one space, then
 * `args` as the last column, whole with `-ww`, its tabs, newlines and
 * unprintable bytes escaped by strvis; `(<ucomm>)` when the arguments cannot
 * be read, `<defunct>` for a zombie. With every header empty no header line is
 * printed.
 */
export const MAC_PS_ARGUMENTS = ['-axww', '-o', 'pid=,ppid=,uid=,ucomm=,args='] as const;
/** Apple's MAXCOMLEN: the accounting name is at most 16 bytes, and its column exactly that wide. */
export const MAC_COMM_WIDTH = 16;
/** Linux's procps prints the same column 15 wide (TASK_COMM_LEN less its NUL): what `ps` gives where it is procps. */
export const PROCPS_COMM_WIDTH = 15;
/** The width of the `ucomm` column of the `ps` on this machine. */
const commWidthHere = (): number => (process.platform === 'darwin' ? MAC_COMM_WIDTH : PROCPS_COMM_WIDTH);

/** One line of the listing. */
export interface MacPsLine {
  readonly pid: number;
  readonly ppid: number;
  readonly uid: number;
  /** The accounting name (`ucomm`): `beam.smp` for a VM whose argv[0] is the script's path. */
  readonly executable: string;
  /** The arguments as ps prints them, at most ARGUMENTS_READ_LIMIT characters. */
  readonly args: string;
}

const NUMBERS = /^ *(\d+) +(\d+) +(\d+) /;
const fromBytes = (text: string): string => Buffer.from(text, 'latin1').toString('utf8');

/**
 * The lines of `ps -o pid=,ppid=,uid=,ucomm=,args=`. The name's column is
 * a fixed number of bytes (`commWidth`), padded with spaces, and a name may
 * hold spaces of its own (`Code Helper (Plu`, cut to 16 bytes), so it is
 * taken by its width in bytes, not split at spaces; the arguments are the
 * rest of the line after one space. A line that is not three numbers and a
 * name is left out.
 */
export function parseMacPsListing(output: Buffer | string, commWidth: number = MAC_COMM_WIDTH): MacPsLine[] {
  // One character per byte, so the name's width is counted as ps counts it; each field is decoded as UTF-8 after.
  const text = (typeof output === 'string' ? Buffer.from(output, 'utf8') : output).toString('latin1');
  return text.split('\n').flatMap((raw) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const match = NUMBERS.exec(line);
    if (!match?.[1] || !match[2] || !match[3]) return [];
    const rest = line.slice(match[0].length);
    const executable = fromBytes(rest.slice(0, commWidth).trimEnd());
    if (executable === '') return [];
    // Past the column comes one space; a name wider than the column (never seen) pushes the arguments on.
    const args = rest.length > commWidth ? rest.slice(commWidth).replace(/^ /, '') : '';
    return [
      {
        pid: Number(match[1]),
        ppid: Number(match[2]),
        uid: Number(match[3]),
        executable,
        args: fromBytes(args).trimEnd().slice(0, ARGUMENTS_READ_LIMIT),
      },
    ];
  });
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

/** The working directories lsof gave, and whether it answered at all (it was found, and finished in time). */
export interface WorkingDirectories {
  readonly answered: boolean;
  readonly cwds: ReadonlyMap<number, string>;
}

/** Runs a program as the listing runs it: its output as bytes, the monitor's secrets left out of its environment. */
export type MacRunner = (file: string, args: readonly string[]) => Promise<Buffer>;

const runBytes: MacRunner = async (file, args) => {
  const { stdout } = await run(file, [...args], {
    timeout: LISTING_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: childEnvironment(),
    encoding: 'buffer',
  });
  return stdout;
};

/** One `lsof` for these pids' working directories. */
export async function macWorkingDirectories(
  pids: readonly number[],
  runner: MacRunner = runBytes,
): Promise<WorkingDirectories> {
  try {
    return {
      answered: true,
      cwds: parseLsofCwd((await runner('lsof', ['-a', '-d', 'cwd', '-Fn', '-p', pids.join(',')])).toString('utf8')),
    };
  } catch (error) {
    // lsof exits 1 when one of the pids has gone; what it printed for the others still holds.
    const stdout = error instanceof Error && 'stdout' in error ? error.stdout : undefined;
    const printed = Buffer.isBuffer(stdout) ? stdout.toString('utf8') : typeof stdout === 'string' ? stdout : '';
    const exited = error instanceof Error && 'code' in error && typeof error.code === 'number';
    return { answered: exited, cwds: parseLsofCwd(printed) };
  }
}

/**
 * What a macOS listing remembers between calls: the working directory of
 * each VM it has seen, with the arguments it had. A pid seen again with the
 * same arguments is the same process (or one so alike it runs from the same
 * place) and costs no `lsof`; new pids, and a pid with other arguments, are
 * asked about together in one `lsof`. A pid gone is forgotten.
 */
export class MacListingMemory {
  private readonly cwds = new Map<number, { readonly args: string; readonly cwd: string | null }>();

  /** `commWidth`: the width of ps's name column, MAC_COMM_WIDTH on a Mac (a test on Linux runs procps's). */
  constructor(
    private readonly runner: MacRunner = runBytes,
    private readonly commWidth: number = commWidthHere(),
  ) {}

  /** Every process, one `ps`; the arguments and cwd of those `details` asks about. Throws when ps fails. */
  async list(details: ListingOptions['details'], reread = false): Promise<ListedProcess[]> {
    const lines = parseMacPsListing(await this.runner('ps', MAC_PS_ARGUMENTS), this.commWidth);
    const wanted = new Map(lines.filter((line) => details(line.executable)).map((line) => [line.pid, line]));
    for (const pid of this.cwds.keys()) if (!wanted.has(pid)) this.cwds.delete(pid);
    const unknown = [...wanted.values()].filter((line) => reread || this.cwds.get(line.pid)?.args !== line.args);
    if (unknown.length > 0) {
      const { answered, cwds } = await macWorkingDirectories(
        unknown.map((line) => line.pid),
        this.runner,
      );
      // Unanswered (lsof missing or slow): asked again at the next listing rather than remembered as unknown.
      if (answered)
        for (const line of unknown) this.cwds.set(line.pid, { args: line.args, cwd: cwds.get(line.pid) ?? null });
    }
    return lines.map((line) => {
      const base = { pid: line.pid, ppid: line.ppid, uid: line.uid, executable: line.executable, argv: null };
      if (!wanted.has(line.pid)) return { ...base, commandLine: '', cwd: null };
      return { ...base, commandLine: line.args, cwd: this.cwds.get(line.pid)?.cwd ?? null };
    });
  }
}

/** One process through `ps -p`, and its cwd through `lsof`: what Stop checks right before its signal. */
export async function describeMacProcess(pid: number, runner: MacRunner = runBytes): Promise<ListedProcess | null> {
  const output = await runner('ps', ['-ww', '-o', 'pid=,ppid=,uid=,ucomm=,args=', '-p', String(pid)]).catch(
    (error: unknown) => {
      // ps exits 1 when the pid does not run.
      if (error instanceof Error && 'code' in error && error.code === 1) return Buffer.alloc(0);
      throw error;
    },
  );
  const line = parseMacPsListing(output, commWidthHere()).find((candidate) => candidate.pid === pid);
  if (line === undefined) return null;
  const { cwds } = await macWorkingDirectories([pid], runner);
  return {
    pid,
    ppid: line.ppid,
    uid: line.uid,
    executable: line.executable,
    argv: null,
    commandLine: line.args,
    cwd: cwds.get(pid) ?? null,
  };
}
