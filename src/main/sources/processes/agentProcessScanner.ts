import { ERLANG_VM_EXECUTABLES, executableIn } from '../../core/echoProcess';
import type { EchoProcesses } from '../../core/readings';
import { isOutOfDescriptors } from './procFiles';
import type { Census, ScannedProcess, Tracked } from './scannedProcess';
import { measureProcesses, readModelFromEnviron, type Measurement } from './processMeasure';
import { rememberingLister, type ListingOptions } from './processListing';
import type { Screened } from '../screening';
import { classifyListing, followedCandidates, type ListingCandidate } from './echoListing';
import { measuredProcesses, measureTracked } from './measuredProcesses';

export interface AgentProcessScannerOptions {
  /**
   * Every process of this machine (see ListedProcess); an entry of another shape is dropped with its reason. The
   * default remembers what it read (processListing.ts `rememberingLister`): after the first listing only new pids are
   * read, and everything again when `reread` is asked.
   */
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
  /**
   * Called when a listing made beside the polls (at its turn, or asked for by `lookNow`) has found one of ECHO's
   * processes that is not followed yet. The next scan takes it in: an owner that polls at once shows a new agent now
   * rather than a poll later. Called at most once a listing, as it ends, which may be while a scan runs (one begun
   * before, which does not take it in); what it throws is its own, and leaves the listing for the next scan.
   */
  readonly onListed?: () => void;
}

/** A listing sorted out: ECHO's processes the monitor watches, the census, and the entries dropped with why. */
interface Sorted {
  readonly found: ReturnType<typeof classifyListing>;
  readonly dropped: readonly string[];
}

/**
 * Finds ECHO's agents and delegators among this machine's processes and
 * measures them.
 *
 * Listing every process is the expensive part (tens to hundreds of ms on
 * macOS and Windows), so it runs every `listEvery` scans, and at once when a
 * pid disappears; between listings only the known pids are measured, which
 * costs one read per pid on Linux. The default listing remembers what it
 * read: on Linux a listing after the first reads only new pids (and a lost
 * pid again), on macOS it is one `ps`, with `lsof` for new VMs only.
 */
export class AgentProcessScanner {
  private readonly list: (options: ListingOptions) => Promise<readonly unknown[]>;
  private readonly measure: (pids: readonly number[]) => Promise<ReadonlyMap<number, Measurement>>;
  private readonly readModel: (pid: number, role: string) => Promise<string | null>;
  private readonly listEvery: number;
  private readonly root: string | null;
  private readonly vmExecutables: readonly string[];
  private readonly uid: number | null;
  private readonly onListed: (() => void) | null;
  private readonly tracked = new Map<number, Tracked>();
  /** Followed pids lost (gone, or measured with another start): a listing that remembers reads them again. */
  private readonly recheck = new Set<number>();
  private census: Census = { roots: [], otherRoots: 0, otherUsers: 0 };
  private scansSinceListing = 0;
  private listSoon = true;
  /** The listing made beside the last scan, waiting to be taken in, and when it started. */
  private listedBeside: (Sorted & { readonly at: number }) | null = null;
  private listingBeside = false;
  /** When the listing the followed processes come from started: a process started after it is not known yet. */
  private listedAt: number | null = null;
  private readonly clock: () => number;
  private running: Promise<Screened<EchoProcesses>> | null = null;

  constructor(options: AgentProcessScannerOptions = {}) {
    this.list = options.list ?? rememberingLister();
    this.measure = options.measure ?? measureProcesses(options.now);
    this.readModel = options.readModel ?? ((pid, role) => readModelFromEnviron(pid, role));
    this.listEvery = Math.max(1, Math.floor(options.listEvery ?? 6));
    this.root = options.root ?? null;
    this.vmExecutables = [...ERLANG_VM_EXECUTABLES, ...(options.extraVmExecutables ?? [])];
    this.uid = options.uid === undefined ? (process.getuid?.() ?? null) : options.uid;
    this.clock = options.now ?? Date.now;
    this.onListed = options.onListed ?? null;
  }

  /**
   * Lists now, beside the polls, rather than at the listing's turn: a
   * heartbeat or an announcement names an agent with no known process, which
   * may have just started, or may run under a pid the listing knew as another
   * process: so every process is read again, not only the new ones. The next
   * scan takes the listing in; `onListed` says when there is something to take.
   */
  lookNow(): void {
    if (!this.listingBeside) this.listBeside(true);
  }

  /** The executables that may run an agent: a listing reads the arguments of these only. */
  private readonly details = (executable: string | null): boolean => executableIn(executable, this.vmExecutables);

  private get scope() {
    return { vmExecutables: this.vmExecutables, root: this.root, uid: this.uid };
  }

  /** A listing, sorted out; the lost pids it was asked to read again are cleared once it succeeds. */
  private async listSorted(reread: boolean): Promise<Sorted> {
    const recheck = [...this.recheck];
    const entries = await this.list({ details: this.details, reread, recheck });
    for (const pid of recheck) this.recheck.delete(pid);
    const dropped: string[] = [];
    return { found: classifyListing(entries, this.scope, dropped), dropped };
  }

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
    const measure = (pids: readonly number[]): Promise<boolean> => this.measureFollowed(pids, readings, dropped);
    // A listing made beside the last poll is taken in now, before anything is measured.
    const listed = this.listedBeside;
    this.listedBeside = null;
    if (listed !== null) {
      this.listedAt = listed.at;
      dropped.push(...listed.dropped);
    }
    const fromBeside = listed === null ? [] : this.relist(listed.found, dropped);
    const lost = await measure([...this.tracked.keys()]);
    this.scansSinceListing += 1;
    if (this.onListed !== null && this.listedAt !== null && (lost || this.listSoon)) {
      // A pid gone, with an owner to wake: the list without it is true now, and a process that took its place is
      // found beside the poll, whose owner polls again at once. An event (a stop) never waits for a listing.
      if (!this.listingBeside) this.listBeside(false, true);
    } else if (lost || this.listSoon) {
      // A pid gone, or no listing yet: list now, as the agent list is wrong until then.
      this.listSoon = true;
      const started = this.clock();
      const sorted = await this.listSorted(false);
      dropped.push(...sorted.dropped);
      const added = this.relist(sorted.found, dropped);
      this.listedAt = started;
      this.scansSinceListing = 0;
      // One found and gone at once: look again next time rather than wait for the turn.
      this.listSoon = await measure(added);
    } else if (this.scansSinceListing >= this.listEvery) {
      this.listBeside();
    }
    if (fromBeside.length > 0 && !this.listSoon)
      this.listSoon = (await measure(fromBeside.filter((pid) => !readings.has(pid)))) || this.listSoon;
    return { value: await this.report(readings), dropped };
  }

  /**
   * Measures followed pids into `readings`; true when one is lost. A pid lost (gone, or another start than the one
   * known) is read again by the next listing, which may remember it as the process it was.
   */
  private async measureFollowed(
    pids: readonly number[],
    readings: Map<number, Measurement>,
    dropped: string[],
  ): Promise<boolean> {
    const lost = await measureTracked(this.measure, this.tracked, pids, readings, dropped);
    for (const pid of pids) if (!this.tracked.has(pid)) this.recheck.add(pid);
    return lost;
  }

  /**
   * The turn's listing runs beside the poll, and the next scan takes its
   * result: a poll woken by an announcement never waits for it. `onListed`
   * is called when it finds a process not followed yet, or whenever it was
   * `wanted` (a pid lost), so the owner's next poll takes it in at once.
   */
  private listBeside(reread = false, wanted = false): void {
    this.scansSinceListing = 0;
    this.listingBeside = true;
    const at = this.clock();
    this.listSorted(reread)
      .then(
        (sorted) => {
          this.listedBeside = { ...sorted, at };
          this.listSoon = false;
          if (this.onListed !== null && (wanted || this.findsNew(sorted.found.candidates))) {
            try {
              this.onListed();
            } catch {
              // The owner's to report: the listing stands, and the next scan takes it in.
            }
          }
        },
        () => {
          this.listSoon = true;
        },
      )
      .finally(() => {
        this.listingBeside = false;
      });
  }

  /** Whether a listing holds a process that would be followed and is not yet (or is followed as another role). */
  private findsNew(candidates: ListingCandidate[]): boolean {
    return followedCandidates(candidates, (pid) => this.tracked.has(pid), []).some(
      ({ pid, facts }) => this.tracked.get(pid)?.echo.role !== facts.echo.role,
    );
  }

  /** Replaces the known processes with the listing's; returns the pids to measure for the first time. */
  private relist({ census, candidates }: Sorted['found'], dropped: string[]): number[] {
    this.census = census;
    const found = new Map(
      followedCandidates(candidates, (pid) => this.tracked.has(pid), dropped).map((candidate) => [
        candidate.pid,
        candidate,
      ]),
    );
    for (const [pid, tracked] of this.tracked) {
      const now = found.get(pid);
      if (now?.facts.echo.role !== tracked.echo.role) this.tracked.delete(pid);
      else {
        // Its parent may have exited since: the lineage is the listing's.
        this.tracked.set(pid, { ...tracked, ...now.facts });
        if (tracked.modelAgain) this.readModelOf(pid);
      }
    }
    const added: number[] = [];
    for (const [pid, { facts, startTicks }] of found) {
      if (this.tracked.has(pid)) continue;
      this.tracked.set(pid, {
        ...facts,
        model: Promise.resolve(null),
        modelAgain: false,
        startedAt: null,
        // The listing's start: a first measurement of another start is another process, which took the pid since.
        startTicks,
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
