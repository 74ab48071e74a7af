import { describe, expect, it } from 'vitest';
import { AgentProcessScanner } from '../../src/main/sources/processes/agentProcessScanner';
import type { Measurement } from '../../src/main/sources/processes/processMeasure';
import type { ListedProcess } from '../../src/main/sources/processes/processListing';
import { readRecordedOutput } from '../support/windowsRecorded';

/**
 * Above Linux's PID_MAX_LIMIT (2^22): no process here has these pids, so a check by pid calls them gone, as they are.
 */
const NEVER_RUN = 4_194_305;

/** An agent's Erlang VM as Windows lists it: erl.exe, the escript's path after -extra, no working directory. */
function erl(pid: number, role: string): ListedProcess {
  const script = `C:\\Users\\ana\\echo\\apps\\${role}\\${role}`;
  return {
    pid,
    ppid: 6400,
    uid: null,
    executable: 'erl.exe',
    argv: null,
    commandLine: `"C:\\Program Files\\Erlang OTP\\erts-15.0\\bin\\erl.exe" +B -boot start_clean -noshell -escript main ${role} -run escript start -extra ${script} --autonomous`,
    cwd: null,
  };
}

/**
 * A Windows machine as the scanner sees it, measured the way pidusage's wmic
 * path does: the pids it finds are measured, the others left out, and when it
 * finds none of them wmic's words on standard error come back as a bare error
 * (pidusage knows them only in English).
 */
class WindowsMachine {
  readonly running = new Map<number, ListedProcess>();
  measureCalls = 0;
  failing: Error | null = null;

  constructor(private readonly noneFound: string) {}

  list = (): Promise<ListedProcess[]> => Promise.resolve([...this.running.values()]);

  measure = (pids: readonly number[]): Promise<Map<number, Measurement>> => {
    this.measureCalls += 1;
    if (this.failing) return Promise.reject(this.failing);
    const found = pids.filter((pid) => this.running.has(pid));
    if (found.length === 0) return Promise.reject(new Error(this.noneFound));
    return Promise.resolve(
      new Map(found.map((pid) => [pid, { cpuPercent: 1, rssBytes: 100_000_000 + pid, startedAt: 1_000 + pid }])),
    );
  };
}

const rolesOf = (scan: Awaited<ReturnType<AgentProcessScanner['scan']>>): string[] =>
  scan.value.agents.map((agent) => agent.role);

describe('the scanner when measuring fails', () => {
  it.each([
    ['Spanish', 'windows-recorded-wmic-no-instances-es.txt'],
    ['Japanese', 'windows-recorded-wmic-no-instances-ja.txt'],
  ])(
    'sees the agents started after every followed one exited, though measuring then fails with wmic’s %s "none found"',
    async (_language, file) => {
      const machine = new WindowsMachine(readRecordedOutput(file).stderr);
      const scanner = new AgentProcessScanner({
        list: machine.list,
        measure: machine.measure,
        readModel: () => Promise.resolve(null),
        uid: null,
        listEvery: 2,
      });
      machine.running.set(NEVER_RUN, erl(NEVER_RUN, 'ceo'));
      machine.running.set(NEVER_RUN + 1, erl(NEVER_RUN + 1, 'cto'));
      expect(rolesOf(await scanner.scan())).toEqual(['ceo', 'cto']);

      // Both exit; a delegator starts two others later.
      machine.running.clear();
      expect(rolesOf(await scanner.scan())).toEqual([]);
      machine.running.set(NEVER_RUN + 2, erl(NEVER_RUN + 2, 'chro'));
      machine.running.set(NEVER_RUN + 3, erl(NEVER_RUN + 3, 'test_lead'));
      const seen: string[][] = [];
      for (let scan = 0; scan < 4; scan += 1) seen.push(rolesOf(await scanner.scan()));
      expect(seen.at(-1)).toEqual(['chro', 'test_lead']);
    },
  );

  it('reports the agents it cannot measure while they run, says why, and lists in every scan whose measuring fails', async () => {
    const machine = new WindowsMachine('unused');
    // Processes that run: the test's own and its parent.
    machine.running.set(process.pid, erl(process.pid, 'ceo'));
    machine.running.set(process.ppid, erl(process.ppid, 'cto'));
    let lists = 0;
    const list = (): Promise<ListedProcess[]> => {
      lists += 1;
      return machine.list();
    };
    const scanner = new AgentProcessScanner({
      list,
      measure: machine.measure,
      readModel: () => Promise.resolve(null),
      uid: null,
      listEvery: 1_000,
    });
    machine.failing = new Error('PowerShell gave no process table within 10 s');

    const first = await scanner.scan();
    expect(first.value.agents.map((agent) => [agent.role, agent.rssBytes, agent.cpuPercent])).toEqual([
      ['ceo', null, null],
      ['cto', null, null],
    ]);
    expect(first.dropped).toEqual([
      "ECHO's processes could not be measured (PowerShell gave no process table within 10 s); those running are shown without memory or CPU",
    ]);
    // Never measured, so Stop has no start to check against: it signals nothing.
    expect(scanner.found(process.pid)).toBeNull();

    // Each scan whose measuring fails lists, so what each pid runs is read again.
    await scanner.scan();
    expect(lists).toBe(2);

    machine.failing = null;
    const working = await scanner.scan();
    expect(working.dropped).toEqual([]);
    expect(working.value.agents.map((agent) => agent.rssBytes)).toEqual([
      100_000_000 + process.pid,
      100_000_000 + process.ppid,
    ]);
    expect(lists).toBe(2);
  });

  it('keeps the start it measured for an agent it can no longer measure', async () => {
    const machine = new WindowsMachine('unused');
    machine.running.set(process.pid, erl(process.pid, 'ceo'));
    const scanner = new AgentProcessScanner({
      list: machine.list,
      measure: machine.measure,
      readModel: () => Promise.resolve(null),
      uid: null,
    });
    await scanner.scan();
    await scanner.scan();
    machine.failing = new Error('wmic failed');
    const [agent] = (await scanner.scan()).value.agents;
    expect(agent).toMatchObject({ pid: process.pid, startedAt: 1_000 + process.pid, rssBytes: null });
  });

  it('still fails the scan when no descriptor is left: the agents are unknown, not gone, and the next scan reads them', async () => {
    const machine = new WindowsMachine('unused');
    machine.running.set(NEVER_RUN, erl(NEVER_RUN, 'ceo'));
    const scanner = new AgentProcessScanner({
      list: machine.list,
      measure: machine.measure,
      readModel: () => Promise.resolve(null),
      uid: null,
    });
    await scanner.scan();
    machine.failing = Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
    await expect(scanner.scan()).rejects.toThrow('EMFILE');
    machine.failing = null;
    expect(rolesOf(await scanner.scan())).toEqual(['ceo']);
  });
});
