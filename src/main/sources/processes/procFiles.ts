import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import os from 'node:os';
import { ARGUMENTS_LIMIT } from '../../core/echoProcess';

/**
 * Linux's /proc, read with one descriptor per file, closed before the read
 * returns whatever happens, and never more than a bound of bytes: a process
 * chooses its own arguments and environment (2 MB of them, if it likes), and
 * a descriptor kept per pid is one lost whenever that pid goes to another
 * process. The reads are synchronous, so at most one descriptor is open here
 * at any moment, however many processes are read.
 */

/**
 * The most of a process's arguments read: what the classification looks at (an Erlang VM's hold its script's path twice
 * and a few hundred bytes).
 */
export const ARGUMENTS_READ_LIMIT = ARGUMENTS_LIMIT;
/** The most of a process's environment read, looking for `<ROLE>_MODEL`. */
export const ENVIRONMENT_READ_LIMIT = 256 * 1024;
/** `stat` is one line well under this; `status` some 1.5 KB. */
const STAT_READ_LIMIT = 4096;
const STATUS_READ_LIMIT = 8192;

/** No descriptor could be had (EMFILE, ENFILE): nothing can be told of the process, which may well run. */
export class DescriptorsExhausted extends Error {
  override readonly name = 'DescriptorsExhausted';
  readonly code: string;
  constructor(code: string, path: string) {
    super(`${code}: no file descriptor left to read ${path}`);
    this.code = code;
  }
}

const codeOf = (error: unknown): unknown => (error instanceof Error && 'code' in error ? error.code : undefined);

/**
 * Whether an error says this process has no descriptor left, or the system none: a reason to report a source down,
 * never a process gone.
 */
export function isOutOfDescriptors(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'EMFILE' || code === 'ENFILE';
}

let scratch = Buffer.alloc(0);

/**
 * At most `limit` bytes of a file, and whether there was more. Null when the
 * file cannot be read because the process is gone or not ours to read; throws
 * DescriptorsExhausted when no descriptor can be had, which says nothing of
 * the process.
 */
export function readBounded(path: string, limit: number): { readonly text: string; readonly cut: boolean } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (isOutOfDescriptors(error)) throw new DescriptorsExhausted(String(codeOf(error)), path);
    return null;
  }
  try {
    // One byte past the limit tells a file of exactly `limit` bytes from a longer one.
    if (scratch.length < limit + 1) scratch = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, scratch, length, limit + 1 - length, null);
      if (read === 0) break;
      length += read;
      if (length > limit) break;
    }
    return { text: scratch.toString('utf8', 0, Math.min(length, limit)), cut: length > limit };
  } catch {
    // The process exited between the open and the read (ESRCH), or its memory could not be read.
    return null;
  } finally {
    closeSync(fd);
  }
}

/** What `/proc/<pid>/stat` says of a process. */
export interface ProcStat {
  readonly pid: number;
  /** The executable's name, at most 15 characters (TASK_COMM_LEN). */
  readonly comm: string;
  /** `R`, `S`, `D`, `Z` (exited, not yet reaped), `X`… */
  readonly state: string;
  readonly ppid: number;
  /** CPU time in user and kernel mode, clock ticks. */
  readonly cpuTicks: number;
  /**
   * Field 22: when it started, in clock ticks after boot. With the pid it names one process, whatever later takes the
   * number.
   */
  readonly startTicks: number;
  readonly rssPages: number;
}

/** A process's stat; null when it does not run. */
export function readProcStat(pid: number): ProcStat | null {
  const read = readBounded(`/proc/${pid}/stat`, STAT_READ_LIMIT);
  if (read === null) return null;
  const { text } = read;
  // The name sits in parentheses and may itself hold spaces and parentheses: the fields start after the last `)`.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).split(' ');
  const number = (index: number): number => Number(fields[index]);
  const stat = {
    pid,
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '',
    ppid: number(1),
    cpuTicks: number(11) + number(12),
    startTicks: number(19),
    rssPages: number(21),
  };
  return Number.isInteger(stat.ppid) && Number.isInteger(stat.startTicks) ? stat : null;
}

/**
 * The arguments, argv[0] first, at most ARGUMENTS_READ_LIMIT bytes of them; a last argument the cap cut in two is left
 * out.
 */
export function readProcArgv(pid: number): { readonly argv: string[]; readonly cut: boolean } | null {
  const read = readBounded(`/proc/${pid}/cmdline`, ARGUMENTS_READ_LIMIT);
  // Empty: a kernel thread, or a process that has exited.
  if (read === null || read.text === '') return null;
  const parts = read.text.split('\0');
  // Each argument ends with a NUL: after the last one comes nothing, or an argument the cap cut short.
  // A process that rewrote its arguments (setproctitle) may leave the last without one: kept when whole.
  if (read.cut || read.text.endsWith('\0')) parts.pop();
  return { argv: parts, cut: read.cut };
}

/** The real, effective, saved and filesystem user ids, from `status`; null when it cannot be read. */
export function readProcUids(pid: number): readonly number[] | null {
  const read = readBounded(`/proc/${pid}/status`, STATUS_READ_LIMIT);
  if (read === null) return null;
  const line = read.text.split('\n').find((candidate) => candidate.startsWith('Uid:'));
  const uids = line?.slice(4).trim().split(/\s+/).map(Number) ?? [];
  return uids.length > 0 && uids.every((uid) => Number.isInteger(uid) && uid >= 0) ? uids : null;
}

/**
 * A variable of the process's environment, from its first ENVIRONMENT_READ_LIMIT bytes; null when absent or not ours to
 * read.
 */
export function readProcEnvironValue(pid: number, name: string): string | null {
  const read = readBounded(`/proc/${pid}/environ`, ENVIRONMENT_READ_LIMIT);
  if (read === null) return null;
  const prefix = `${name}=`;
  for (const entry of read.text.split('\0')) if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  return null;
}

/**
 * The working directory; null when gone, or another user's while this process is not root. A readlink takes no
 * descriptor.
 */
export function readProcCwd(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** Every pid in /proc now; throws when /proc cannot be listed (no descriptor left, say). */
export function listProcPids(): number[] {
  return readdirSync('/proc').flatMap((entry) => (/^\d+$/.test(entry) ? [Number(entry)] : []));
}

/** Seconds since boot, from /proc/uptime (the clock `stat`'s start times count from). */
export function readUptimeMs(): number | null {
  const read = readBounded('/proc/uptime', 256);
  const seconds = read === null ? Number.NaN : Number.parseFloat(read.text);
  return Number.isFinite(seconds) ? seconds * 1000 : null;
}

/** How the kernel counts for user space: clock ticks per second (USER_HZ) and the page size. */
export interface KernelUnits {
  readonly ticksPerSecond: number;
  readonly pageBytes: number;
}

const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

/**
 * The kernel's units, from this process's auxiliary vector (AT_CLKTCK,
 * AT_PAGESZ): what sysconf reads, with no program started for it. Linux's
 * USER_HZ is 100 and pages are 4 KiB on most machines, which are the
 * fallbacks; arm64 kernels may use 16 or 64 KiB pages.
 */
export function readKernelUnits(): KernelUnits {
  const fallback = { ticksPerSecond: 100, pageBytes: 4096 };
  const word = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(process.arch) ? 8 : 4;
  let fd: number;
  try {
    fd = openSync('/proc/self/auxv', 'r');
  } catch {
    return fallback;
  }
  try {
    const buffer = Buffer.alloc(4096);
    const length = readSync(fd, buffer, 0, buffer.length, null);
    const little = os.endianness() === 'LE';
    const at = (offset: number): number =>
      word === 8
        ? Number(little ? buffer.readBigUInt64LE(offset) : buffer.readBigUInt64BE(offset))
        : little
          ? buffer.readUInt32LE(offset)
          : buffer.readUInt32BE(offset);
    let ticks = fallback.ticksPerSecond;
    let page = fallback.pageBytes;
    for (let offset = 0; offset + 2 * word <= length; offset += 2 * word) {
      const type = at(offset);
      if (type === 0) break;
      if (type === AT_CLKTCK && at(offset + word) > 0) ticks = at(offset + word);
      if (type === AT_PAGESZ && at(offset + word) > 0) page = at(offset + word);
    }
    return { ticksPerSecond: ticks, pageBytes: page };
  } catch {
    return fallback;
  } finally {
    closeSync(fd);
  }
}
