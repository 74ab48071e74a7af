import { setImmediate as turn } from 'node:timers/promises';
import { ECHO_ROLES } from '../src/main/core/echoRoster';
import { AgentProcessScanner } from '../src/main/sources/processes/agentProcessScanner';
import { listProcesses, type ListingOptions } from '../src/main/sources/processes/processListing';
import { measureProcesses, type Measurement } from '../src/main/sources/processes/processMeasure';
import { probeProcesses } from '../src/main/sources/processes/processProbe';
import { WindowsProcessReader } from '../src/main/sources/processes/windowsProcessTable';
import { countingRunner, recordedTableProcesses, tableOutput } from '../test/support/windowsRecorded';
import { percentile, progress, round } from './stats';

/** The monitor's own process in the reconstructed table. */
const MONITOR_PID = 9120;
const POLL_MS = 5000;
/** pidusage forgets a pid it was not asked about for this long (lib/history.js). */
const PIDUSAGE_HISTORY_MS = 60_000;

type Row = Record<string, unknown>;

/**
 * A machine over `polls` polls: the reconstructed table's processes without
 * its agents, and `agents` agent VMs of ECHO's roles, each spending CPU; half
 * way through the first agent exits, and two polls later its role starts
 * again under another pid.
 */
function machineAt(poll: number, polls: number, agents: number): Row[] {
  const base = recordedTableProcesses().filter((entry) => entry.name !== 'erl.exe' && entry.name !== 'escript.exe');
  const template = recordedTableProcesses().find((entry) => entry.pid === 7152) ?? {};
  const roles = ECHO_ROLES.filter((role) => role !== 'delegator');
  const exitAt = Math.floor(polls / 2);
  const rows: Row[] = [];
  for (let index = 0; index < agents; index += 1) {
    const role = roles[index % roles.length] ?? 'ceo';
    const restarted = index === 0 && poll >= exitAt + 2;
    if (index === 0 && poll >= exitAt && !restarted) continue;
    const pid = restarted ? 20_000 : 10_000 + index * 4;
    rows.push({
      ...template,
      pid,
      commandLine: String(template.commandLine).replaceAll('senior_developer', role),
      cpu100ns: 90_000_000 + poll * 2_500_000 * (index + 1),
      startedMs: 1_767_254_412_400 + (restarted ? 600_000 : index * 150),
    });
  }
  return [...base, ...rows];
}

interface Spawns {
  readonly perPoll: number[];
}

const summary = (spawns: Spawns) => ({
  spawnsPerPoll: round(spawns.perPoll.reduce((sum, count) => sum + count, 0) / spawns.perPoll.length),
  maxPerPoll: Math.max(...spawns.perPoll),
});

/**
 * The Windows path as it was, its spawns counted from its libraries' sources:
 * systeminformation's `processes()` starts one PowerShell a listing
 * (lib/processes.js); pidusage's wmic path starts one `wmic` a call, and a
 * second at once when a pid found has no history yet (lib/wmic.js calls
 * itself again); a call was made for the scan's pids and one per registry pid.
 * The scanner is today's, which lists and measures as it did.
 */
async function spawnsBefore(polls: number, agents: number): Promise<Spawns> {
  let poll = 0;
  let spawns = 0;
  const history = new Map<number, number>();
  const now = (): number => poll * POLL_MS;
  const table = (): Row[] => machineAt(poll, polls, agents);
  const pidusage = (pids: readonly number[]): Map<number, Measurement> => {
    spawns += 1;
    const found = table().filter((entry) => pids.includes(Number(entry.pid)));
    const known = (pid: number): boolean => (history.get(pid) ?? -Infinity) >= now() - PIDUSAGE_HISTORY_MS;
    if (found.some((entry) => !known(Number(entry.pid)))) spawns += 1;
    for (const entry of found) history.set(Number(entry.pid), now());
    return new Map(
      found.map((entry) => [
        Number(entry.pid),
        { cpuPercent: 0, rssBytes: Number(entry.workingSet), startedAt: Number(entry.startedMs) },
      ]),
    );
  };
  const listing = new WindowsProcessReader({
    run: () => Promise.resolve(tableOutput(table())),
    selfPid: MONITOR_PID,
    reuseMs: -1,
  });
  const scanner = new AgentProcessScanner({
    list: (options: ListingOptions) => {
      spawns += 1;
      return listProcesses({ ...options, platform: 'win32', windows: listing });
    },
    measure: (pids) => Promise.resolve(pidusage(pids)),
    readModel: () => Promise.resolve(null),
    uid: null,
  });
  const perPoll: number[] = [];
  for (poll = 0; poll < polls; poll += 1) {
    const before = spawns;
    await scanner.scan();
    for (const pid of registryPids(poll, polls, agents)) pidusage([pid]);
    // Let a listing that runs beside the poll count in it.
    await turn();
    perPoll.push(spawns - before);
  }
  return { perPoll };
}

/** The registry names each agent with its pid. */
const registryPids = (poll: number, polls: number, agents: number): number[] =>
  machineAt(poll, polls, agents)
    .filter((entry) => entry.name === 'erl.exe')
    .map((entry) => Number(entry.pid));

/** The Windows path as it is: every PowerShell run answered from the table and counted. */
async function spawnsAfter(polls: number, agents: number): Promise<Spawns & { readonly pollMs: number[] }> {
  let poll = 0;
  const table = (): Row[] => machineAt(poll, polls, agents);
  const runner = countingRunner(() => tableOutput(table()));
  const reader = new WindowsProcessReader({ run: runner, selfPid: MONITOR_PID, clock: () => poll * POLL_MS });
  const scanner = new AgentProcessScanner({
    list: (options) => listProcesses({ ...options, platform: 'win32', windows: reader }),
    measure: measureProcesses(Date.now, 'win32', reader),
    readModel: () => Promise.resolve(null),
    uid: null,
  });
  const perPoll: number[] = [];
  const pollMs: number[] = [];
  for (poll = 0; poll < polls; poll += 1) {
    const before = runner.runs();
    const started = performance.now();
    const alive = new Set(table().map((entry) => Number(entry.pid)));
    // As readSources does: the registry's pids are probed beside the scan, once the registry has answered.
    const [scan] = await Promise.all([
      scanner.scan(),
      turn().then(() =>
        probeProcesses(registryPids(poll, polls, agents), {
          platform: 'win32',
          measure: measureProcesses(Date.now, 'win32', reader),
          alive: (pid) => alive.has(pid),
        }),
      ),
    ]);
    pollMs.push(performance.now() - started);
    if (scan.value.agents.length < agents - 1)
      throw new Error(`the Windows path found ${String(scan.value.agents.length)} of ${String(agents)} agents`);
    await turn();
    perPoll.push(runner.runs() - before);
  }
  return { perPoll, pollMs };
}

/**
 * What a poll starts on Windows, counted on this machine: the Windows path
 * (platform and PowerShell runner injected) replays the reconstructed
 * process table over `polls` polls 5 s apart, with `agents` agents that the
 * registry also names by pid, one of which exits half way and starts again.
 * Before is the same scan over the libraries it used, each call counted as
 * their sources spawn. The time is this process's part of a poll, the
 * PowerShell run aside.
 */
export async function measureWindowsSpawns(polls: number, agents: number) {
  progress(`Windows path: spawns per poll over ${String(polls)} polls, ${String(agents)} agents`);
  const before = await spawnsBefore(polls, agents);
  const after = await spawnsAfter(polls, agents);
  return {
    polls,
    agents,
    registryPids: agents,
    before: summary(before),
    after: summary(after),
    afterPollP50Ms: round(percentile(after.pollMs, 50)),
  };
}
