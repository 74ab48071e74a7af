import { readFile } from 'node:fs/promises';
import pidusage from 'pidusage';
import { z } from 'zod';
import { describeIssues } from '../../shared/zodIssues';
import { agentRoleOf, modelVariableOf } from '../core/agentCommandLine';
import type { AgentProcess } from '../core/readings';
import { pidAlive } from './pidAlive';
import { listProcesses } from './processListing';
import type { Screened } from './screening';


/** One pid's measurement. `cpuPercent` is a share of one core, null when the measurer has no baseline. */
export interface Measurement {
  readonly cpuPercent: number | null;
  readonly rssBytes: number | null;
  /** Epoch ms. */
  readonly startedAt: number | null;
}

export interface AgentProcessScannerOptions {
  /** Every process of this machine; each entry `{pid, commandLine}`, anything else is dropped with its reason. */
  readonly list?: () => Promise<readonly unknown[]>;
  /** The pids measured; a pid missing from the map no longer runs the process measured before. */
  readonly measure?: (pids: readonly number[]) => Promise<ReadonlyMap<number, Measurement>>;
  /** The agent's model from its environment, or null where it cannot be read. */
  readonly readModel?: (pid: number, role: string) => Promise<string | null>;
  /** List every this many scans (default 6); sooner when an agent's pid disappears. */
  readonly listEvery?: number;
  /** Only the agents of the ECHO at this root; null: any ECHO on this machine. */
  readonly root?: string | null;
  /** The monitor's clock, which the default measure turns elapsed time into `startedAt` with. */
  readonly now?: () => number;
}

function isGone(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ESRCH');
}

async function pidusageStats(pids: readonly number[]): Promise<Map<number, pidusage.Status>> {
  try {
    // pidusage writes into the array it is given.
    const stats: Partial<Record<string, pidusage.Status>> = await pidusage([...pids]);
    const found = new Map<number, pidusage.Status>();
    for (const pid of pids) {
      const stat = stats[String(pid)];
      if (stat) found.set(pid, stat);
    }
    return found;
  } catch (error) {
    // One pid that exited (or none of several found by `ps`) is an error; several are left out quietly.
    if (isGone(error)) return new Map();
    throw error;
  }
}

const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * Measures with `pidusage`, whose own history gives the CPU between two calls,
 * so nothing here keeps samples. Its history-cleaning interval is `unref`'d:
 * it never holds the process open, so nothing needs closing.
 */
export function measureWithPidusage(now: () => number = Date.now, platform: NodeJS.Platform = process.platform) {
  let previous: readonly number[] = [];
  return async (pids: readonly number[]): Promise<Map<number, Measurement>> => {
    if (pids.length === 0) return new Map();
    const stats = await pidusageStats(pids);
    const at = now();
    // On Linux pidusage keeps each pid's /proc/<pid>/stat open and reads that descriptor
    // again. Once the process exits and its pid goes to another, the old descriptor reads
    // ESRCH, on every call, since each call renews the entry. The process measured before
    // has exited, so the pid is reported gone; clear() makes pidusage open the pid afresh.
    // It forgets every pid's history (and leaves their descriptors open: a few, on a rare
    // pid reuse), so the pids followed are read again at once to keep their CPU baseline.
    const reused = platform === 'linux' ? pids.filter((pid) => !stats.has(pid) && pidAlive(pid)) : [];
    if (reused.length > 0) {
      pidusage.clear();
      const followed = [...new Set([...previous, ...pids])].filter((pid) => !reused.includes(pid));
      if (followed.length > 0) await pidusageStats(followed);
    }
    previous = pids;
    const measured = new Map<number, Measurement>();
    for (const [pid, stat] of stats) {
      const elapsed = finite(stat.elapsed);
      measured.set(pid, {
        cpuPercent: finite(stat.cpu),
        rssBytes: finite(stat.memory),
        // The monitor's clock, so that its uptimes (now − startedAt) come from one clock.
        startedAt: elapsed === null ? null : at - elapsed,
      });
    }
    return measured;
  };
}

/** `<ROLE>_MODEL` from `/proc/<pid>/environ` on Linux; null elsewhere, or when it is not ours to read. */
export async function readModelFromEnviron(pid: number, role: string, platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (platform !== 'linux') return null;
  try {
    const prefix = `${modelVariableOf(role)}=`;
    const entry = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').find((line) => line.startsWith(prefix));
    return entry && entry.length > prefix.length ? entry.slice(prefix.length) : null;
  } catch {
    return null;
  }
}

const listedSchema = z.object({ pid: z.number().int().positive(), commandLine: z.string() });

/** A started process whose pid differs from its first measurement by more than this is another process. */
const START_TOLERANCE_MS = 3000;

interface Tracked {
  readonly role: string;
  readonly model: Promise<string | null>;
  startedAt: number | null;
  measured: boolean;
}

/**
 * Finds ECHO's agents among this machine's processes and measures them.
 *
 * Listing every process is the expensive part: `ps` of the whole machine on
 * macOS, a PowerShell CIM query on Windows, tens to hundreds of ms each. So it
 * runs every `listEvery` scans, and at once when an agent's pid disappears (the
 * delegator may have started another); between listings only the known pids
 * are measured, which costs one read per pid on Linux.
 */
export class AgentProcessScanner {
  private readonly list: () => Promise<readonly unknown[]>;
  private readonly measure: (pids: readonly number[]) => Promise<ReadonlyMap<number, Measurement>>;
  private readonly readModel: (pid: number, role: string) => Promise<string | null>;
  private readonly listEvery: number;
  private readonly root: string | null;
  private readonly tracked = new Map<number, Tracked>();
  private scansSinceListing = 0;
  private listSoon = true;
  /** The listing made beside the last scan, waiting to be taken in. */
  private listedBeside: readonly unknown[] | null = null;
  private running: Promise<Screened<readonly AgentProcess[]>> | null = null;

  constructor(options: AgentProcessScannerOptions = {}) {
    this.list = options.list ?? (() => listProcesses());
    this.measure = options.measure ?? measureWithPidusage(options.now);
    this.readModel = options.readModel ?? ((pid, role) => readModelFromEnviron(pid, role));
    this.listEvery = Math.max(1, Math.floor(options.listEvery ?? 6));
    this.root = options.root ?? null;
  }

  /**
   * The agents running now. Throws when the listing fails (or the measuring).
   * A caller that gave up on a slow scan (`attempt`'s deadline) and asks again
   * gets the one still running, so two never change the known pids at once.
   */
  scan(): Promise<Screened<readonly AgentProcess[]>> {
    this.running ??= this.scanOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async scanOnce(): Promise<Screened<readonly AgentProcess[]>> {
    const dropped: string[] = [];
    const readings = new Map<number, Measurement>();
    // A listing made beside the last poll is taken in now, before anything is measured.
    const listed = this.listedBeside;
    this.listedBeside = null;
    const fromBeside = listed === null ? [] : this.relist(listed, dropped);
    const lost = await this.measureInto([...this.tracked.keys()], readings);
    this.scansSinceListing += 1;
    if (lost || this.listSoon) {
      // A pid gone, or no listing yet: list now, as the agent list is wrong until then.
      this.listSoon = true;
      const added = this.relist(await this.list(), dropped);
      this.scansSinceListing = 0;
      // One found and gone at once: look again next time rather than wait for the turn.
      this.listSoon = await this.measureInto(added, readings);
    } else if (this.scansSinceListing >= this.listEvery) {
      this.listBeside();
    }
    if (fromBeside.length > 0 && !this.listSoon) this.listSoon = (await this.measureInto(fromBeside.filter((pid) => !readings.has(pid)), readings)) || this.listSoon;
    return { value: await this.report(readings), dropped };
  }

  /**
   * The turn's listing (tens of ms on any platform) runs beside the poll, and
   * the next scan takes its result: a poll woken by an announcement never
   * waits for it, while a new agent is seen one poll later.
   */
  private listBeside(): void {
    this.scansSinceListing = 0;
    this.list().then(
      (entries) => {
        this.listedBeside = entries;
      },
      () => {
        this.listSoon = true;
      },
    );
  }

  /** Measures these pids into `readings`; true when one of them is gone, or is another process now. */
  private async measureInto(pids: readonly number[], readings: Map<number, Measurement>): Promise<boolean> {
    if (pids.length === 0) return false;
    const measured = await this.measure(pids);
    let lost = false;
    for (const pid of pids) {
      const tracked = this.tracked.get(pid);
      const reading = measured.get(pid);
      if (!tracked) continue;
      const restarted =
        reading?.startedAt != null && tracked.startedAt !== null && Math.abs(reading.startedAt - tracked.startedAt) > START_TOLERANCE_MS;
      if (!reading || restarted) {
        this.tracked.delete(pid);
        lost = true;
        continue;
      }
      // The first CPU figure of a pid compares with nothing of ours (pidusage's first is 0 or a lifetime average).
      readings.set(pid, tracked.measured ? reading : { ...reading, cpuPercent: null });
      tracked.measured = true;
      tracked.startedAt ??= reading.startedAt;
    }
    return lost;
  }

  /** Replaces the known agents with the listing's; returns the pids to measure for the first time. */
  private relist(entries: readonly unknown[], dropped: string[]): number[] {
    const found = new Map<number, string>();
    entries.forEach((entry, index) => {
      const parsed = listedSchema.safeParse(entry);
      if (!parsed.success) {
        dropped.push(`process listing entry ${index + 1}: ${describeIssues(parsed.error)}`);
        return;
      }
      const role = agentRoleOf(parsed.data.commandLine, this.root);
      if (role !== null && !found.has(parsed.data.pid)) found.set(parsed.data.pid, role);
    });
    for (const [pid, tracked] of this.tracked) {
      if (found.get(pid) !== tracked.role) this.tracked.delete(pid);
    }
    const added: number[] = [];
    for (const [pid, role] of found) {
      if (this.tracked.has(pid)) continue;
      // Read once per pid: the environment a process was started with does not change.
      const model = Promise.resolve()
        .then(() => this.readModel(pid, role))
        .catch(() => null);
      this.tracked.set(pid, { role, model, startedAt: null, measured: false });
      added.push(pid);
    }
    return added;
  }

  private async report(readings: ReadonlyMap<number, Measurement>): Promise<AgentProcess[]> {
    const agents: AgentProcess[] = [];
    for (const [pid, tracked] of this.tracked) {
      const reading = readings.get(pid);
      if (!reading) continue;
      const { cpuPercent, rssBytes, startedAt } = reading;
      agents.push({ pid, role: tracked.role, model: await tracked.model, rssBytes, cpuPercent, startedAt });
    }
    return agents.sort((a, b) => a.role.localeCompare(b.role) || a.pid - b.pid);
  }
}
