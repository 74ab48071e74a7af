import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentProcessScanner } from '../../src/main/sources/processes/agentProcessScanner';
import { describeProcess, listProcesses } from '../../src/main/sources/processes/processListing';
import { measureProcesses } from '../../src/main/sources/processes/processMeasure';
import { probeProcesses } from '../../src/main/sources/processes/processProbe';
import {
  closeSharedWindowsReader,
  sharedWindowsReader,
  WindowsProcessReader,
} from '../../src/main/sources/processes/windowsProcessTable';
import { countingRunner, recordedTableProcesses, tableOutput } from '../support/windowsRecorded';
import { pidGone, standInSession } from '../support/windowsStandIn';

/** The monitor's own process in windows-process-table.txt. */
const MONITOR_PID = 9120;
/** windows-cim.csv's agents (test/unit/echoProcess.test.ts), by role. */
const AGENTS = { chro: 7402, cto: 7415, operations_head: 7304, senior_developer: 7152, test_lead: 7216 };

type Processes = Record<string, unknown>[];

/**
 * The Windows path as one poll runs it (sources/readSources.ts): the scan,
 * and beside it the registry's pids once the registry has answered, every
 * table answered from the reconstructed one.
 */
function windowsMachine(reader: WindowsProcessReader, machine: { processes: Processes; clock: number }) {
  const scanner = new AgentProcessScanner({
    list: (options) => listProcesses({ ...options, platform: 'win32', windows: reader }),
    measure: measureProcesses(Date.now, 'win32', reader),
    readModel: () => Promise.resolve(null),
    uid: null,
  });
  const registryPids = Object.values(AGENTS);
  const runs = (pid: number): boolean => machine.processes.some((entry) => entry.pid === pid);
  /** One poll, then the 5 s to the next. */
  return async () => {
    const [scan, probed] = await Promise.all([
      scanner.scan(),
      turn().then(() =>
        probeProcesses(registryPids, {
          platform: 'win32',
          measure: measureProcesses(Date.now, 'win32', reader),
          alive: runs,
        }),
      ),
    ]);
    machine.clock += 5000;
    return { scan, probed };
  };
}

/** Each table asked for is a program's run, counted: the reader given a program per table. */
function oneShotMachine() {
  const machine = { processes: recordedTableProcesses(), clock: 0 };
  const runner = countingRunner(() => tableOutput(machine.processes));
  const reader = new WindowsProcessReader({ run: runner, selfPid: MONITOR_PID, clock: () => machine.clock });
  return {
    reader,
    runs: () => runner.runs(),
    exit: (pid: number) => {
      machine.processes = machine.processes.filter((entry) => entry.pid !== pid);
    },
    poll: windowsMachine(reader, machine),
  };
}

const folders: string[] = [];
const readers: WindowsProcessReader[] = [];
afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.close()));
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** The reader as the monitor makes it, its long-lived program the stand-in answering from a file the test rewrites. */
async function sessionMachine(faults: { readonly staleBefore?: readonly number[] } = {}) {
  const folder = await mkdtemp(join(tmpdir(), 'windows-table-'));
  folders.push(folder);
  const tableFile = join(folder, 'table.json');
  const machine = { processes: recordedTableProcesses(), clock: 0 };
  const save = () => writeFile(tableFile, JSON.stringify({ processes: machine.processes }));
  await save();
  const { session, started } = standInSession({ tableFile, ...faults });
  const reader = new WindowsProcessReader({ session, selfPid: MONITOR_PID, clock: () => machine.clock });
  readers.push(reader);
  return {
    reader,
    started,
    exit: async (pid: number) => {
      machine.processes = machine.processes.filter((entry) => entry.pid !== pid);
      await save();
    },
    poll: windowsMachine(reader, machine),
  };
}

describe('a poll on Windows', () => {
  it('finds the agents and measures the registry’s pids from one table', async () => {
    const machine = oneShotMachine();
    const { scan, probed } = await machine.poll();
    expect(scan.dropped).toEqual([]);
    expect(scan.value.agents.map((agent) => [agent.role, agent.pid])).toEqual(Object.entries(AGENTS));
    expect(scan.value.agents.find((agent) => agent.pid === AGENTS.senior_developer)).toMatchObject({
      rssBytes: 121_085_952,
      parent: { pid: 7140, name: 'escript.exe' },
    });
    expect(probed.get(AGENTS.senior_developer)).toEqual({ alive: true, rssBytes: 121_085_952 });
    expect(machine.runs()).toBe(1);
  });

  it('asks one table a poll, on the polls that list every process and the one after an agent exits as on the others', async () => {
    const machine = oneShotMachine();
    for (let poll = 1; poll <= 13; poll += 1) {
      await machine.poll();
      expect(machine.runs()).toBe(poll);
    }
    machine.exit(AGENTS.operations_head);
    const { scan, probed } = await machine.poll();
    expect(scan.value.agents.map((agent) => agent.pid)).not.toContain(AGENTS.operations_head);
    expect(probed.get(AGENTS.operations_head)).toEqual({ alive: false, rssBytes: null });
    expect(machine.runs()).toBe(14);
  });

  it('gives Stop’s look before its signal a table begun for it, not the poll’s', async () => {
    const machine = oneShotMachine();
    await machine.poll();
    const described = await describeProcess(AGENTS.cto, 'win32', machine.reader);
    expect(described).toMatchObject({ pid: AGENTS.cto, executable: 'erl.exe' });
    expect(machine.runs()).toBe(2);
  });
});

describe('a poll on Windows, with one PowerShell for the whole monitor', () => {
  it('starts one program over many polls, an agent’s exit and Stop’s fresh look, and none is left after close', async () => {
    const machine = await sessionMachine();
    for (let poll = 1; poll <= 13; poll += 1) {
      const { scan } = await machine.poll();
      expect(scan.value.agents.map((agent) => agent.pid)).toEqual(Object.values(AGENTS));
    }
    await machine.exit(AGENTS.operations_head);
    const { scan, probed } = await machine.poll();
    expect(scan.value.agents.map((agent) => agent.pid)).not.toContain(AGENTS.operations_head);
    expect(probed.get(AGENTS.operations_head)).toEqual({ alive: false, rssBytes: null });
    expect(await describeProcess(AGENTS.cto, 'win32', machine.reader)).toMatchObject({ pid: AGENTS.cto });

    expect(machine.started).toHaveLength(1);
    await machine.reader.close();
    expect(await pidGone(machine.started[0] ?? -1)).toBe(true);
  });

  it('never takes an earlier request’s late answer for the table: the next read gets its own', async () => {
    // The late answer lists no process at all; taken for the table, it would fail the read as incomplete.
    const machine = await sessionMachine({ staleBefore: [2] });
    await machine.poll();
    const fresh = await machine.reader.read({ fresh: true });
    expect(fresh.rows.size).toBe(23);
    expect(machine.started).toHaveLength(1);
  });

  it('gives the monitor one shared reader until its close, and a new one after', async () => {
    const reader = sharedWindowsReader();
    expect(sharedWindowsReader()).toBe(reader);
    await closeSharedWindowsReader();
    const next = sharedWindowsReader();
    expect(next).not.toBe(reader);
    await closeSharedWindowsReader();
  });

  it('runs Windows PowerShell by default, and says so when it cannot be started', async () => {
    const reader = new WindowsProcessReader({ selfPid: MONITOR_PID });
    readers.push(reader);
    // This machine has no PowerShell (and no SystemRoot), so the program named is the bare one.
    await expect(reader.read()).rejects.toThrow('PowerShell could not run: spawn powershell.exe ENOENT');
  });
});
