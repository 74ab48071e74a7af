import { ERLANG_VM_EXECUTABLES, executableIn } from '../../core/echoProcess';
import type { EchoProcesses } from '../../core/readings';
import { isOutOfDescriptors } from './procFiles';
import type { Census, ScannedProcess, Tracked } from './scannedProcess';
import { measureProcesses, readModelFromEnviron, type Measurement } from './processMeasure';
import { listProcesses, type ListingOptions } from './processListing';
import type { Screened } from '../screening';
import { classifyListing, followedCandidates } from './echoListing';
import { measuredProcesses, measureTracked } from './measuredProcesses';

export interface AgentProcessScannerOptions {
  /** Every process of this machine (see ListedProcess); an entry of another shape is dropped with its reason. */
  readonly list?: (options: ListingOptions) => Promise<readonly unknown[]>;
  /** The pids measured; a pid missing from the map no longer runs the process measured before. */
  readonly measure?: (pids: readonly number[]) => Promise<ReadonlyMap<number, Measurement>>;
  /** The agent's model from its environment, or null where it cannot be read. */
  readonly readModel?: (pid: number, role: string) => Promise<string | null>;
  /** List every this many scans (default 6); sooner when an agent's pid disappears. */
  readonly listEvery?: number;
  /** Only the agents of the ECHO at this root; null: every root's, this user's only. */
  readonly root?: string | null;
  /** Executables that may run an agent's script beside the Erlang VM's (the demo's Node stand-ins). */
  readonly extraVmExecutables?: readonly string[];
  /** This process's user id, whose agents count when no root is configured; null where there is none (Windows). */
  readonly uid?: number | null;
  /** The monitor's clock, which the default measure turns elapsed time into `startedAt` with. */
  readonly now?: () => number;
}

/**
 * Finds ECHO's agents and delegators among this machine's processes and
 * measures them.
 *
 * Listing every process is the expensive part (tens to hundreds of ms on
 * macOS and Windows), so it runs every `listEvery` scans, and at once when a
 * pid disappears; between listings only the known pids are measured, which
 * costs one read per pid on Linux.
 */
export class AgentProcessScanner {
  private readonly list: (options: ListingOptions) => Promise<readonly unknown[]>;
  private readonly measure: (pids: readonly number[]) => Promise<ReadonlyMap<number, Measurement>>;
  private readonly readModel: (pid: number, role: string) => Promise<string | null>;
  private readonly listEvery: number;
  private readonly root: string | null;
  private readonly vmExecutables: readonly string[];
  private readonly uid: number | null;
  private readonly tracked = new Map<number, Tracked>();
  private census: Census = { roots: [], otherRoots: 0, otherUsers: 0 };
  private scansSinceListing = 0;
  private listSoon = true;
  /** The listing made beside the last scan, waiting to be taken in, and when it started. */
  private listedBeside: { readonly entries: readonly unknown[]; readonly at: number } | null = null;
  private listingBeside = false;
  /** When the listing the followed processes come from started: a process started after it is not known yet. */
  private listedAt: number | null = null;
  private readonly clock: () => number;
  private running: Promise<Screened<EchoProcesses>> | null = null;

  constructor(options: AgentProcessScannerOptions = {}) {
    this.list = options.list ?? ((listing) => listProcesses(listing));
    this.measure = options.measure ?? measureProcesses(options.now);
    this.readModel = options.readModel ?? ((pid, role) => readModelFromEnviron(pid, role));
    this.listEvery = Math.max(1, Math.floor(options.listEvery ?? 6));
    this.root = options.root ?? null;
    this.vmExecutables = [...ERLANG_VM_EXECUTABLES, ...(options.extraVmExecutables ?? [])];
    this.uid = options.uid === undefined ? (process.getuid?.() ?? null) : options.uid;
    this.clock = options.now ?? Date.now;
  }

  /**
   * Lists now, beside the polls, rather than at the listing's turn: a
   * heartbeat or an announcement names an agent with no known process, which
   * may have just started. The next scan takes the listing in.
   */
  lookNow(): void {
    if (!this.listingBeside) this.listBeside();
  }

  /** The executables that may run an agent: a listing reads the arguments of these only. */
  private readonly listing: ListingOptions = { details: (executable) => executableIn(executable, this.vmExecutables) };

  /**
   * ECHO's processes running now. Throws when the listing fails (or the
   * measuring). A caller that gave up on a slow scan and asks again gets the
   * one still running, so two never change the known pids at once.
   */
  scan(): Promise<Screened<EchoProcesses>> {
    this.running ??= this.scanOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * The process this pid was when the scan last measured it; null when the
   * scan has not found it (a pid only a registry names, another root's, a
   * look-alike of another executable) or has not measured it yet.
   */
  found(pid: number): ScannedProcess | null {
    const tracked = this.tracked.get(pid);
    if (!tracked?.measured) return null;
    return {
      pid,
      echo: tracked.echo,
      uid: tracked.uid,
      uids: tracked.uids,
      start: { ticks: tracked.startTicks, at: tracked.startedAt },
    };
  }

  private async scanOnce(): Promise<Screened<EchoProcesses>> {
    const dropped: string[] = [];
    const readings = new Map<number, Measurement>();
    // A listing made beside the last poll is taken in now, before anything is measured.
    const listed = this.listedBeside;
    this.listedBeside = null;
    if (listed !== null) this.listedAt = listed.at;
    const fromBeside = listed === null ? [] : this.relist(listed.entries, dropped);
    const lost = await measureTracked(this.measure, this.tracked, [...this.tracked.keys()], readings, dropped);
    this.scansSinceListing += 1;
    if (lost || this.listSoon) {
      // A pid gone, or no listing yet: list now, as the agent list is wrong until then.
      this.listSoon = true;
      const started = this.clock();
      const added = this.relist(await this.list(this.listing), dropped);
      this.listedAt = started;
      this.scansSinceListing = 0;
      // One found and gone at once: look again next time rather than wait for the turn.
      this.listSoon = await measureTracked(this.measure, this.tracked, added, readings, dropped);
    } else if (this.scansSinceListing >= this.listEvery) {
      this.listBeside();
    }
    if (fromBeside.length > 0 && !this.listSoon)
      this.listSoon =
        (await measureTracked(
          this.measure,
          this.tracked,
          fromBeside.filter((pid) => !readings.has(pid)),
          readings,
          dropped,
        )) || this.listSoon;
    return { value: await this.report(readings), dropped };
  }

  /**
   * The turn's listing runs beside the poll, and the next scan takes its
   * result: a poll woken by an announcement never waits for it, while a new
   * agent is seen one poll later.
   */
  private listBeside(): void {
    this.scansSinceListing = 0;
    this.listingBeside = true;
    const at = this.clock();
    this.list(this.listing)
      .then(
        (entries) => {
          this.listedBeside = { entries, at };
        },
        () => {
          this.listSoon = true;
        },
      )
      .finally(() => {
        this.listingBeside = false;
      });
  }

  /** Replaces the known processes with the listing's; returns the pids to measure for the first time. */
  private relist(entries: readonly unknown[], dropped: string[]): number[] {
    const { census, candidates } = classifyListing(
      entries,
      { vmExecutables: this.vmExecutables, root: this.root, uid: this.uid },
      dropped,
    );
    this.census = census;
    const found = new Map(
      followedCandidates(candidates, (pid) => this.tracked.has(pid), dropped).map(({ pid, facts }) => [pid, facts]),
    );
    for (const [pid, tracked] of this.tracked) {
      const now = found.get(pid);
      if (now?.echo.role !== tracked.echo.role) this.tracked.delete(pid);
      else {
        // Its parent may have exited since: the lineage is the listing's.
        this.tracked.set(pid, { ...tracked, ...now });
        if (tracked.modelAgain) this.readModelOf(pid);
      }
    }
    const added: number[] = [];
    for (const [pid, facts] of found) {
      if (this.tracked.has(pid)) continue;
      this.tracked.set(pid, {
        ...facts,
        model: Promise.resolve(null),
        modelAgain: false,
        startedAt: null,
        startTicks: null,
        measured: false,
      });
      this.readModelOf(pid);
      added.push(pid);
    }
    return added;
  }

  /**
   * Reads the agent's model once per pid (the environment a process was started with does not change), again only when
   * no descriptor was left.
   */
  private readModelOf(pid: number): void {
    const tracked = this.tracked.get(pid);
    if (!tracked) return;
    tracked.modelAgain = false;
    if (tracked.echo.kind !== 'agent') return;
    tracked.model = Promise.resolve()
      .then(() => this.readModel(pid, tracked.echo.role))
      .catch((error: unknown) => {
        // The entry may have been renewed by a listing since: the flag goes on the one followed now.
        const current = this.tracked.get(pid);
        if (current && isOutOfDescriptors(error)) current.modelAgain = true;
        return null;
      });
  }

  private async report(readings: ReadonlyMap<number, Measurement>): Promise<EchoProcesses> {
    const { agents, delegators } = await measuredProcesses(this.tracked, readings, this.uid);
    return { agents, delegators, configuredRoot: this.root, listedAt: this.listedAt, ...this.census };
  }
}
