import { ChildProcess, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ERLANG_VM_EXECUTABLES } from '../src/main/core/echoProcess';
import { AgentProcessScanner } from '../src/main/sources/processes/agentProcessScanner';
import { classifyListing } from '../src/main/sources/processes/echoListing';
import { rememberingLister, type ListingOptions } from '../src/main/sources/processes/processListing';
import { startEchoAgentProcess, type StartedProcess } from '../test/support/echoAgentProcess';
import { percentile, progress, round, timed } from './stats';

const run = promisify(execFile);
/** Listings spaced as a monitor spaces them (every 30 s), never back to back. */
const apart = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 600));

/**
 * Counts the programs this process starts: spawn, execFile, exec and fork
 * all start theirs through ChildProcess.prototype.spawn (Node's
 * lib/internal/child_process.js), pidusage's `ps` and the listing's `ps` and
 * `lsof` included. The synchronous forms do not, and nothing here uses them.
 */
function spawnCounter(): { readonly count: () => number; readonly restore: () => void } {
  const original: unknown = Reflect.get(ChildProcess.prototype, 'spawn');
  if (typeof original !== 'function') throw new Error('ChildProcess.prototype.spawn is not a function here');
  let count = 0;
  Reflect.set(ChildProcess.prototype, 'spawn', function counted(this: ChildProcess, ...args: unknown[]): unknown {
    count += 1;
    const child: unknown = Reflect.apply(original, this, args);
    return child;
  });
  return {
    count: () => count,
    restore: () => Reflect.set(ChildProcess.prototype, 'spawn', original),
  };
}

/** Runs `action`, giving the programs it started. */
async function spawnsOf(counter: ReturnType<typeof spawnCounter>, action: () => Promise<unknown>): Promise<number> {
  const before = counter.count();
  await action();
  return counter.count() - before;
}

/**
 * The longest the event loop went without a turn while `action` ran: a
 * timer asked every millisecond, and the longest wait between two of its
 * calls (a timer also fires after the action, so a listing that never
 * yields is caught). On a shared machine a wait also counts the time this
 * process waited for a core, hence the median over rounds.
 */
async function loopHeldDuring(action: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await action();
    await new Promise((resolve) => setTimeout(resolve, 2));
  } finally {
    clearInterval(timer);
  }
  return longest;
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * What finding ECHO's agents costs, with `agents` agent processes running:
 * - a cold listing: a fresh scanner's first scan, which lists every process (reading each one) and measures;
 * - a warm listing: the same scanner's lister called again as the scanner calls it at a listing's turn (every sixth
 *   poll), beside the poll, with the sorting of its result the scanner does then: after the first, only new pids are
 *   read;
 * - measuring: a scan that only measures the pids followed (most polls).
 * Beside each, in the same loop, the floor: the platform's own listing, `ps` of every process with its arguments,
 * started as a child process. Also the programs started per poll and per listing, and the longest the event loop went
 * without a turn during a cold listing.
 */
export async function measureAgentScan(agents: number, scans: number) {
  progress(`agent scan: starting ${String(agents)} ECHO-like agent processes`);
  const started: StartedProcess[] = [];
  const counter = spawnCounter();
  try {
    for (let index = 0; index < agents; index += 1)
      started.push(await startEchoAgentProcess({ role: `bench_agent_${String(index)}` }));
    const measuring: number[] = [];
    const listing: number[] = [];
    const warmListing: number[] = [];
    const floor: number[] = [];
    const pollSpawns: number[] = [];
    const listingSpawns: number[] = [];
    const loopHeld: number[] = [];
    let found = 0;
    // The agents here are Node stand-ins: `node` is named as the executable that runs them, as the demo names it.
    const extraVmExecutables = ['node'];
    const scope = { vmExecutables: [...ERLANG_VM_EXECUTABLES, ...extraVmExecutables], root: null, uid: null };
    for (let round = 0; round < scans; round += 1) {
      const lister = rememberingLister();
      const asked: { options: ListingOptions | null } = { options: null };
      const scanner = new AgentProcessScanner({
        listEvery: 1_000_000,
        extraVmExecutables,
        list: (options) => {
          asked.options = options;
          return lister(options);
        },
      });
      await apart();
      loopHeld.push(
        await loopHeldDuring(async () => {
          const cold = performance.now();
          listingSpawns.push(await spawnsOf(counter, () => scanner.scan()));
          listing.push(performance.now() - cold);
        }),
      );
      const measured = performance.now();
      pollSpawns.push(
        await spawnsOf(counter, async () => {
          const { value } = await scanner.scan();
          found = value.agents.filter((agent) => agent.role.startsWith('bench_agent_')).length;
        }),
      );
      measuring.push(performance.now() - measured);
      const options: ListingOptions = asked.options ?? { details: () => false };
      const warm = performance.now();
      listingSpawns.push(
        await spawnsOf(counter, async () => classifyListing(await lister({ ...options, recheck: [] }), scope, [])),
      );
      warmListing.push(performance.now() - warm);
      floor.push(await timed(() => run('ps', ['-A', '-o', 'pid=,args='], { maxBuffer: 16 * 1024 * 1024 })));
    }
    return {
      agents,
      found,
      measuringP50Ms: round(percentile(measuring, 50)),
      measuringP99Ms: round(percentile(measuring, 99)),
      listingP50Ms: round(percentile(listing, 50)),
      listingP99Ms: round(percentile(listing, 99)),
      warmListingP50Ms: round(percentile(warmListing, 50)),
      warmListingP99Ms: round(percentile(warmListing, 99)),
      floorListingP50Ms: round(percentile(floor, 50)),
      coldListingLoopHeldP50Ms: round(percentile(loopHeld, 50)),
      spawnsPerPoll: round(mean(pollSpawns)),
      spawnsPerListing: round(mean(listingSpawns)),
    };
  } finally {
    counter.restore();
    await Promise.all(started.map((agent) => agent.stop()));
  }
}
