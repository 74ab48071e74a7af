import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { ECHO_ROLES } from '../src/main/core/echoRoster';
import { AgentProcessScanner } from '../src/main/sources/processes/agentProcessScanner';
import { listProcesses } from '../src/main/sources/processes/processListing';
import { measureProcesses } from '../src/main/sources/processes/processMeasure';
import { probeProcesses } from '../src/main/sources/processes/processProbe';
import { WindowsProcessReader } from '../src/main/sources/processes/windowsProcessTable';
import { countingRunner, recordedTableProcesses, tableOutput } from '../test/support/windowsRecorded';
import { standInSession } from '../test/support/windowsStandIn';
import { percentile, progress, round } from './stats';

/** The monitor's own process in the reconstructed table. */
const MONITOR_PID = 9120;
const POLL_MS = 5000;
/**
 * Seconds one PowerShell start costs on Windows, as systeminformation's users
 * recorded a process listing through it: 1.6 s with selected columns, 5 s with
 * all (sebhildebrandt/systeminformation#650). Recorded elsewhere, not here.
 */
const RECORDED_START_S = { low: 1.6, high: 5 } as const;

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

/** The registry names each agent with its pid. */
const registryPids = (table: readonly Row[]): number[] =>
  table.filter((entry) => entry.name === 'erl.exe').map((entry) => Number(entry.pid));

interface Replay {
  /** Programs started in each poll. */
  readonly perPoll: number[];
  /** Wall time of each poll, and this process's CPU time in it. */
  readonly pollMs: number[];
  readonly cpuMs: number[];
}

/**
 * Replays the polls through `reader` as readSources does (the scan, and the
 * registry's pids probed beside it once the registry has answered), counting
 * the programs started with `starts`.
 */
async function replay(
  reader: WindowsProcessReader,
  starts: () => number,
  machine: { readonly polls: number; readonly agents: number; setPoll: (poll: number) => Promise<Row[]> },
): Promise<Replay> {
  const scanner = new AgentProcessScanner({
    list: (options) => listProcesses({ ...options, platform: 'win32', windows: reader }),
    measure: measureProcesses(Date.now, 'win32', reader),
    readModel: () => Promise.resolve(null),
    uid: null,
  });
  const result: Replay = { perPoll: [], pollMs: [], cpuMs: [] };
  for (let poll = 0; poll < machine.polls; poll += 1) {
    const table = await machine.setPoll(poll);
    const alive = new Set(table.map((entry) => Number(entry.pid)));
    const before = starts();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const [scan] = await Promise.all([
      scanner.scan(),
      turn().then(() =>
        probeProcesses(registryPids(table), {
          platform: 'win32',
          measure: measureProcesses(Date.now, 'win32', reader),
          alive: (pid) => alive.has(pid),
        }),
      ),
    ]);
    result.pollMs.push(performance.now() - started);
    const spent = process.cpuUsage(cpu);
    result.cpuMs.push((spent.user + spent.system) / 1000);
    if (scan.value.agents.length < machine.agents - 1)
      throw new Error(`the Windows path found ${String(scan.value.agents.length)} of ${String(machine.agents)} agents`);
    await turn();
    result.perPoll.push(starts() - before);
  }
  return result;
}

const summary = (run: Replay) => ({
  starts: run.perPoll.reduce((sum, count) => sum + count, 0),
  spawnsPerPoll: round(run.perPoll.reduce((sum, count) => sum + count, 0) / run.perPoll.length),
  maxPerPoll: Math.max(...run.perPoll),
  pollP50Ms: round(percentile(run.pollMs, 50)),
  pollCpuP50Ms: round(percentile(run.cpuMs, 50)),
});

/** Before: a PowerShell started for every table (as runPowerShell was), each run counted as one program started. */
async function oneProgramPerTable(polls: number, agents: number): Promise<Replay> {
  let poll = 0;
  const runner = countingRunner(() => tableOutput(machineAt(poll, polls, agents)));
  const reader = new WindowsProcessReader({ run: runner, selfPid: MONITOR_PID, clock: () => poll * POLL_MS });
  return replay(reader, () => runner.runs(), {
    polls,
    agents,
    setPoll: (next) => {
      poll = next;
      return Promise.resolve(machineAt(poll, polls, agents));
    },
  });
}

/**
 * After: the reader as the monitor makes it, its long-lived program a real one
 * that speaks the table loop's protocol over its pipes (the stand-in), which
 * answers each request from a file rewritten before each poll. The programs
 * counted are the processes the session started.
 */
async function oneLongLivedProgram(polls: number, agents: number) {
  const folder = await mkdtemp(join(tmpdir(), 'windows-spawns-'));
  const tableFile = join(folder, 'table.json');
  await writeFile(tableFile, JSON.stringify({ processes: machineAt(0, polls, agents) }));
  const { session, started } = standInSession({ tableFile });
  let poll = 0;
  const reader = new WindowsProcessReader({ session, selfPid: MONITOR_PID, clock: () => poll * POLL_MS });
  try {
    const run = await replay(reader, () => started.length, {
      polls,
      agents,
      setPoll: async (next) => {
        poll = next;
        const table = machineAt(poll, polls, agents);
        await writeFile(tableFile, JSON.stringify({ processes: table }));
        return table;
      },
    });
    // The floor of a poll here: one request and its answer, with no scan.
    const roundTrips: number[] = [];
    for (let index = 0; index < 30; index += 1) {
      const begun = performance.now();
      await session.request();
      roundTrips.push(performance.now() - begun);
    }
    return { run, started, roundTripP50Ms: round(percentile(roundTrips, 50)) };
  } finally {
    await reader.close();
    await rm(folder, { recursive: true, force: true });
  }
}

/** Seconds of PowerShell starts: the starts counted here, priced at the recorded cost of one. */
const modelledSeconds = (starts: number, per: number) => ({
  low: round(starts * per * RECORDED_START_S.low, 3),
  high: round(starts * per * RECORDED_START_S.high, 3),
});

/**
 * What a poll starts on Windows, counted on this machine: the Windows path
 * (platform and PowerShell injected) replays the reconstructed process table
 * over `polls` polls 5 s apart, with `agents` agents that the registry also
 * names by pid, one of which exits half way and starts again. Before is a
 * PowerShell started for every table; after, the one long-lived program the
 * reader keeps, a real process here. The starts and the times are measured;
 * what the starts would cost on Windows is modelled from recorded timings.
 */
export async function measureWindowsSpawns(polls: number, agents: number) {
  progress(`Windows path: programs started per poll over ${String(polls)} polls, ${String(agents)} agents`);
  const before = summary(await oneProgramPerTable(polls, agents));
  const longLived = await oneLongLivedProgram(polls, agents);
  const after = {
    ...summary(longLived.run),
    programs: new Set(longLived.started).size,
    roundTripP50Ms: longLived.roundTripP50Ms,
  };
  return {
    polls,
    agents,
    registryPids: agents,
    before,
    after,
    afterPollP50Ms: after.pollP50Ms,
    modelled: {
      recordedStartS: RECORDED_START_S,
      source: 'sebhildebrandt/systeminformation#650: a process listing through PowerShell, 1.6 s to 5 s',
      beforePerPollS: modelledSeconds(before.starts, 1 / polls),
      afterPerPollS: modelledSeconds(after.starts, 1 / polls),
      beforeRunS: modelledSeconds(before.starts, 1),
      afterRunS: modelledSeconds(after.starts, 1),
    },
  };
}
