import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandOutput, PowerShellRunner } from '../../src/main/sources/processes/windowsProcessTable';

const FIXTURES = join(import.meta.dirname, '../fixtures/process-listings');

/** A program's output as a fixture records it, with the `#` lines that say where it comes from. */
export interface RecordedOutput extends CommandOutput {
  readonly header: readonly string[];
}

/**
 * Reads `test/fixtures/process-listings/<name>`: `#` lines naming the source
 * (or saying "Reconstructed"), then `--- stdout`, `--- stderr` and `--- exit`
 * sections; an exit of `not recorded` is null.
 */
export function readRecordedOutput(name: string): RecordedOutput {
  const lines = readFileSync(join(FIXTURES, name), 'utf8').split('\n');
  const header = lines.filter(
    (line, index) => line.startsWith('#') && lines.slice(0, index).every((before) => before.startsWith('#')),
  );
  if (!header.some((line) => /Source: https:\/\/|Reconstructed/.test(line)))
    throw new Error(`${name}: its header names no source and does not say it is reconstructed`);
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of lines.slice(header.length)) {
    const opened = /^--- (stdout|stderr|exit)$/.exec(line);
    if (opened?.[1]) sections.set(opened[1], (current = []));
    else current?.push(line);
  }
  const text = (section: string): string => (sections.get(section) ?? []).join('\n').replace(/\n+$/, '');
  const exit = text('exit').trim();
  return {
    header,
    stdout: text('stdout'),
    stderr: text('stderr'),
    code: exit === '' || exit === 'not recorded' ? null : Number(exit),
  };
}

/** The reconstructed table's processes, to derive later tables from (agents gone, CPU spent). */
export function recordedTableProcesses(): Record<string, unknown>[] {
  const { processes } = JSON.parse(readRecordedOutput('windows-process-table.txt').stdout) as {
    processes: Record<string, unknown>[];
  };
  return processes;
}

/** What PowerShell prints for these processes, in the table's format. */
export function tableOutput(processes: readonly Record<string, unknown>[]): CommandOutput {
  return { stdout: `${JSON.stringify({ processes })}\r\n`, stderr: '', code: 0 };
}

/**
 * A PowerShell runner that answers from `answer` (whose argument is the run's number, from 1), and counts its runs:
 * each is one program started on Windows.
 */
export function countingRunner(
  answer: (run: number) => CommandOutput | Promise<CommandOutput>,
): PowerShellRunner & { runs: () => number } {
  let runs = 0;
  const runner = async (): Promise<CommandOutput> => {
    runs += 1;
    return answer(runs);
  };
  return Object.assign(runner, { runs: () => runs });
}
