import type { ListedProcess, ListingOptions } from './listedProcess';
import type { ProcStat } from './procFiles';
import { describeFromProc, procReader, type ProcReader } from './procReader';

/**
 * Every this many listings, every process is read again. A pid that leaves
 * /proc between two listings is forgotten, but one that exits and is given to
 * a new process between two listings keeps its number and so looks known: an
 * agent under such a pid is not seen until the next full read. A followed
 * agent's pid is measured every poll, its start compared, and read again at
 * once (`recheck`); a heartbeat naming an agent with no known process asks for
 * a full read (`reread`), which finds any agent that beats. What is left is an
 * agent that never beats, under a reused pid: with the monitor's listing
 * every sixth poll, ten listings bound that to a few minutes, while nine
 * listings in ten read only new pids.
 */
export const REREAD_EVERY = 10;
/**
 * At most this many pids are read between two turns of the event loop, and for at most SLICE_MS: a pid costs one to
 * four small reads (tens of microseconds each on a loaded machine), so the loop turns about every millisecond.
 */
export const READ_CHUNK = 32;
export const SLICE_MS = 1;
/**
 * A process younger than this when read is read again at the next listing: it
 * may still be on its way to its program (an escript execs `erl`, which execs
 * `erlexec`, which execs `beam.smp`, all under one pid and one start).
 */
export const SETTLE_MS = 2000;

/** What the table knows of one pid, from the last time it was read. */
interface Known {
  /** Null: its stat could not be read (another user's under hidepid): not listed until the next full read. */
  readonly stat: ProcStat | null;
  /** What the listing shows; null when it runs but is not listed (its arguments could not be read: a zombie). */
  readonly listed: ListedProcess | null;
  /** Whether its arguments, owner and cwd were read. */
  readonly detailed: boolean;
  /** Old enough when read that its program is the one it keeps. */
  readonly settled: boolean;
}

export interface ProcTableOptions {
  readonly reader?: ProcReader;
  readonly rereadEvery?: number;
  readonly chunk?: number;
  readonly sliceMs?: number;
  readonly settleMs?: number;
  /** Lets the event loop turn between chunks (default: one setImmediate). */
  readonly pause?: () => Promise<void>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Linux's process table, remembered between listings: each listing lists
 * /proc and reads only the pids it has not seen (their stat, and their
 * cmdline, status and cwd where the executable is asked about), forgets the
 * pids gone, and reads a few known ones again: those asked about (`recheck`),
 * those whose parent has gone (they were re-parented), those that were young
 * when read. Every REREAD_EVERY listings, and when asked (`reread`), it
 * reads everything. The reads are synchronous, in chunks of at most
 * READ_CHUNK pids and SLICE_MS with a turn of the event loop between them, so
 * a listing of a thousand processes never holds the loop for more than a
 * chunk: a database notice arriving meanwhile is handled at once. Listings run one
 * after another, never two at once. No descriptor left throws
 * (DescriptorsExhausted), and what was read before it stays known.
 */
export class ProcTable {
  private readonly known = new Map<number, Known>();
  private readonly reader: ProcReader;
  private readonly rereadEvery: number;
  private readonly chunk: number;
  private readonly sliceMs: number;
  private readonly settleMs: number;
  private readonly pause: () => Promise<void>;
  private sinceFull: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ProcTableOptions = {}) {
    this.reader = options.reader ?? procReader;
    this.rereadEvery = Math.max(1, Math.floor(options.rereadEvery ?? REREAD_EVERY));
    this.chunk = Math.max(1, Math.floor(options.chunk ?? READ_CHUNK));
    this.sliceMs = options.sliceMs ?? SLICE_MS;
    this.settleMs = options.settleMs ?? SETTLE_MS;
    this.pause = options.pause ?? nextTurn;
  }

  /** Every process now; a listing asked for while one runs starts when it ends. */
  list(
    details: ListingOptions['details'],
    request: Pick<ListingOptions, 'reread' | 'recheck'> = {},
  ): Promise<ListedProcess[]> {
    const listing = this.queue.then(() => this.listOnce(details, request));
    this.queue = listing.catch(() => undefined);
    return listing;
  }

  private async listOnce(
    details: ListingOptions['details'],
    request: Pick<ListingOptions, 'reread' | 'recheck'>,
  ): Promise<ListedProcess[]> {
    const pids = this.reader.pids();
    const present = new Set(pids);
    for (const pid of this.known.keys()) if (!present.has(pid)) this.known.delete(pid);
    const full = request.reread === true || this.sinceFull === null || this.sinceFull + 1 >= this.rereadEvery;
    const recheck = new Set(request.recheck ?? []);
    const toRead = full ? pids : pids.filter((pid) => this.readAgain(pid, present, recheck, details));
    const uptimeMs = toRead.length === 0 ? null : this.reader.uptimeMs();
    let sliceStart = performance.now();
    let inSlice = 0;
    for (const pid of toRead) {
      if (inSlice >= this.chunk || performance.now() - sliceStart >= this.sliceMs) {
        await this.pause();
        sliceStart = performance.now();
        inSlice = 0;
      }
      this.read(pid, details, uptimeMs, full);
      inSlice += 1;
    }
    this.sinceFull = full ? 0 : (this.sinceFull ?? 0) + 1;
    return pids.flatMap((pid) => this.known.get(pid)?.listed ?? []);
  }

  /** Whether a known pid is read again in a listing that reads only what is new. */
  private readAgain(
    pid: number,
    present: ReadonlySet<number>,
    recheck: ReadonlySet<number>,
    details: ListingOptions['details'],
  ): boolean {
    const known = this.known.get(pid);
    if (known === undefined || recheck.has(pid) || !known.settled) return true;
    if (known.stat === null) return false;
    const { ppid, comm } = known.stat;
    // Its parent exited: it was re-parented, and its lineage is another now.
    if (ppid > 0 && !present.has(ppid)) return true;
    return !known.detailed && details(comm);
  }

  /**
   * Reads one pid. One known before, of the same start and executable, is
   * the same process running the same program: only its stat is taken
   * (parent, age), its arguments kept. Anything else is read in full.
   */
  private read(pid: number, details: ListingOptions['details'], uptimeMs: number | null, full: boolean): void {
    const stat = this.reader.stat(pid);
    if (stat === null) {
      this.known.set(pid, { stat: null, listed: null, detailed: false, settled: true });
      return;
    }
    const settled = this.settledAt(stat, uptimeMs);
    const before = full ? undefined : this.known.get(pid);
    const wanted = details(stat.comm);
    if (
      before?.stat?.startTicks === stat.startTicks &&
      before.stat.comm === stat.comm &&
      (before.detailed || !wanted)
    ) {
      const listed = before.listed && { ...before.listed, ppid: stat.ppid };
      this.known.set(pid, { ...before, stat, listed, settled });
      return;
    }
    const listed = describeFromProc(this.reader, pid, details, stat);
    this.known.set(pid, { stat, listed, detailed: wanted, settled });
  }

  private settledAt(stat: ProcStat, uptimeMs: number | null): boolean {
    if (uptimeMs === null) return true;
    const startedMs = (stat.startTicks / this.reader.ticksPerSecond) * 1000;
    return uptimeMs - startedMs >= this.settleMs;
  }
}
