import { describe, expect, it } from 'vitest';
import { measureProcesses } from '../../src/main/sources/processes/processMeasure';
import {
  parseProcessTable,
  WindowsProcessReader,
  type CommandOutput,
} from '../../src/main/sources/processes/windowsProcessTable';
import { PROCESS_TABLE_SCRIPT } from '../../src/main/sources/processes/windowsTableScripts';
import { countingRunner, readRecordedOutput, recordedTableProcesses, tableOutput } from '../support/windowsRecorded';

/** The monitor's own process in windows-process-table.txt: every complete table holds it. */
const MONITOR_PID = 9120;

describe('the Windows process table', () => {
  const recorded = readRecordedOutput('windows-process-table.txt');

  it('is a recording the tests name as reconstructed', () => {
    expect(recorded.header.join('\n')).toMatch(/Reconstructed, not captured on Windows/);
    expect(PROCESS_TABLE_SCRIPT).toMatch(/Get-CimInstance -ClassName Win32_Process/);
    expect(PROCESS_TABLE_SCRIPT).toMatch(/ConvertTo-Json -InputObject @\{ processes = \$rows \} -Depth 3 -Compress/);
  });

  it('reads every process: name, parent, command line, working set, CPU time and start', () => {
    const table = parseProcessTable(recorded, MONITOR_PID, 42);
    expect(table.atMs).toBe(42);
    expect(table.rows.size).toBe(23);
    expect(table.rows.get(7152)).toEqual({
      pid: 7152,
      ppid: 7140,
      name: 'erl.exe',
      commandLine: expect.stringContaining(
        '-escript main senior_developer -run escript start -extra C:\\Users\\ana\\echo\\apps\\senior_developer\\senior_developer --autonomous',
      ) as unknown,
      workingSetBytes: 121_085_952,
      cpuTime100ns: 98_437_500,
      startedMs: 1_767_254_412_400,
    });
    expect(table.rows.get(0)).toMatchObject({ name: 'System Idle Process', commandLine: null, startedMs: null });
  });

  it('reads the JSON past a byte order mark and a stray line, and takes one process given as itself rather than in a list', () => {
    const monitor = recordedTableProcesses().find((entry) => entry.pid === MONITOR_PID);
    const stdout = `\uFEFFActive code page: 65001\r\n${JSON.stringify({ processes: monitor })}\r\n`;
    expect([...parseProcessTable({ stdout, stderr: '', code: 0 }, MONITOR_PID, 0).rows.keys()]).toEqual([MONITOR_PID]);
  });

  it.each([
    ['Spanish', 'windows-recorded-wmic-no-instances-es.txt'],
    ['Japanese', 'windows-recorded-wmic-no-instances-ja.txt'],
  ])(
    'takes words on standard error and nothing on standard output (%s) for a failure, shown as said, never for "none running"',
    (_language, file) => {
      const words = readRecordedOutput(file);
      expect(() => parseProcessTable({ ...words, code: 0 }, MONITOR_PID, 0)).toThrow(
        `PowerShell's process table did not come (exit 0): ${words.stderr}`,
      );
    },
  );

  it('shows the words of a query that failed in the long-lived PowerShell, with no exit code, as it has not exited', () => {
    const answer = { stdout: 'failed: Access denied. ', stderr: '' };
    expect(() => parseProcessTable(answer, MONITOR_PID, 0)).toThrow(
      "PowerShell's process table did not come: failed: Access denied.",
    );
  });

  it('takes a table without this very process for a failure: a query that half ran says nothing of the others', () => {
    expect(() => parseProcessTable(tableOutput([]), MONITOR_PID, 0)).toThrow(
      "PowerShell's process table is incomplete (0 processes, this one not among them)",
    );
    const garbled = { stdout: '{"processes": [{"pid": "7152"}]', stderr: '', code: 1 };
    expect(() => parseProcessTable(garbled, MONITOR_PID, 0)).toThrow('did not come (exit 1)');
  });

  it('measures memory, start and CPU between two tables of the same process, and a pid the table lacks as gone', async () => {
    let clock = 10_000;
    const later = recordedTableProcesses()
      .filter((entry) => entry.pid !== 7216)
      .map((entry) => (entry.pid === 7152 ? { ...entry, cpu100ns: Number(entry.cpu100ns) + 25_000_000 } : entry));
    const runner = countingRunner((run) => (run === 1 ? recorded : tableOutput(later)));
    const reader = new WindowsProcessReader({ run: runner, selfPid: MONITOR_PID, clock: () => clock });
    // The monitor's clock runs an hour ahead of the machine's: the start is told on the monitor's.
    const measure = measureProcesses(() => Date.now() + 3_600_000, 'win32', reader);

    const first = await measure([7152, 7216]);
    expect(first.get(7152)).toMatchObject({ cpuPercent: null, rssBytes: 121_085_952 });
    expect(Math.abs((first.get(7152)?.startedAt ?? 0) - (1_767_254_412_400 + 3_600_000))).toBeLessThan(50);
    expect(first.get(7216)?.rssBytes).toBe(118_734_848);

    clock += 5000;
    const second = await measure([7152, 7216]);
    // 2.5 s of CPU over 5 s: half a core.
    expect(second.get(7152)?.cpuPercent).toBeCloseTo(50, 6);
    expect(second.has(7216)).toBe(false);
    expect(runner.runs()).toBe(2);
  });

  it('a pid given to another process starts its CPU afresh', async () => {
    let clock = 0;
    const reborn = recordedTableProcesses().map((entry) =>
      entry.pid === 7152 ? { ...entry, startedMs: Number(entry.startedMs) + 60_000, cpu100ns: 1 } : entry,
    );
    const runner = countingRunner((run) => (run === 1 ? recorded : tableOutput(reborn)));
    const measure = measureProcesses(
      Date.now,
      'win32',
      new WindowsProcessReader({ run: runner, selfPid: MONITOR_PID, clock: () => clock }),
    );
    await measure([7152]);
    clock += 5000;
    expect((await measure([7152])).get(7152)?.cpuPercent).toBeNull();
  });
});

describe('WindowsProcessReader', () => {
  const recorded = readRecordedOutput('windows-process-table.txt');

  it('answers every read while one PowerShell runs, and for a second after, with it; a fresh read starts its own', async () => {
    let clock = 0;
    let release: (output: CommandOutput) => void = () => undefined;
    const runner = countingRunner((run) =>
      run === 1 ? new Promise<CommandOutput>((resolve) => (release = resolve)) : recorded,
    );
    const reader = new WindowsProcessReader({ run: runner, selfPid: MONITOR_PID, clock: () => clock });
    const reads = [reader.read(), reader.read(), reader.read()];
    await Promise.resolve();
    release(recorded);
    const tables = await Promise.all(reads);
    expect(new Set(tables).size).toBe(1);
    expect(runner.runs()).toBe(1);
    clock += 1000;
    expect(await reader.read()).toBe(tables[0]);
    expect(runner.runs()).toBe(1);
    await reader.read({ fresh: true });
    expect(runner.runs()).toBe(2);
    clock += 1001;
    await reader.read();
    expect(runner.runs()).toBe(3);
  });

  it('keeps no failed run: the next read tries again', async () => {
    const runner = countingRunner((run) =>
      run === 1 ? { stdout: '', stderr: 'Get-CimInstance : …', code: 1 } : recorded,
    );
    const reader = new WindowsProcessReader({ run: runner, selfPid: MONITOR_PID, clock: () => 0 });
    await expect(reader.read()).rejects.toThrow(
      "PowerShell's process table did not come (exit 1): Get-CimInstance : …",
    );
    expect((await reader.read()).rows.size).toBe(23);
    expect(runner.runs()).toBe(2);
  });
});
