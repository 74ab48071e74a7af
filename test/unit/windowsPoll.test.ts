import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AgentProcessScanner } from '../../src/main/sources/processes/agentProcessScanner';
import { describeProcess, listProcesses } from '../../src/main/sources/processes/processListing';
import { measureProcesses } from '../../src/main/sources/processes/processMeasure';
import { probeProcesses } from '../../src/main/sources/processes/processProbe';
import { WindowsProcessReader } from '../../src/main/sources/processes/windowsProcessTable';
import { countingRunner, recordedTableProcesses, tableOutput } from '../support/windowsRecorded';

/** The monitor's own process in windows-process-table.txt. */
const MONITOR_PID = 9120;
/** windows-cim.csv's agents (test/unit/echoProcess.test.ts), by role. */
const AGENTS = { chro: 7402, cto: 7415, operations_head: 7304, senior_developer: 7152, test_lead: 7216 };

/**
 * The Windows path as one poll runs it (sources/readSources.ts): the scan,
 * and beside it the registry's pids once the registry has answered, every
 * PowerShell run answered from the reconstructed table and counted.
 */
function windowsMachine() {
  let clock = 0;
  let processes = recordedTableProcesses();
  const runner = countingRunner(() => tableOutput(processes));
  const reader = new WindowsProcessReader({ run: runner, selfPid: MONITOR_PID, clock: () => clock });
  const scanner = new AgentProcessScanner({
    list: (options) => listProcesses({ ...options, platform: 'win32', windows: reader }),
    measure: measureProcesses(Date.now, 'win32', reader),
    readModel: () => Promise.resolve(null),
    uid: null,
  });
  const registryPids = Object.values(AGENTS);
  const runs = (pid: number): boolean => processes.some((entry) => entry.pid === pid);
  return {
    reader,
    runs: () => runner.runs(),
    exit: (pid: number) => {
      processes = processes.filter((entry) => entry.pid !== pid);
    },
    /** One poll, then the 5 s to the next. */
    poll: async () => {
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
      clock += 5000;
      return { scan, probed };
    },
  };
}

describe('a poll on Windows', () => {
  it('finds the agents and measures the registry’s pids from one PowerShell run', async () => {
    const machine = windowsMachine();
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

  it('starts one PowerShell a poll, on the polls that list every process and the one after an agent exits as on the others', async () => {
    const machine = windowsMachine();
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
    const machine = windowsMachine();
    await machine.poll();
    const described = await describeProcess(AGENTS.cto, 'win32', machine.reader);
    expect(described).toMatchObject({ pid: AGENTS.cto, executable: 'erl.exe' });
    expect(machine.runs()).toBe(2);
  });
});
