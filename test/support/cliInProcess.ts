import { expect } from 'vitest';
import { runCli } from '../../src/main/cli/run';
import type { ExitCode } from '../../src/main/cli/exitCodes';

export interface CliRun {
  readonly code: ExitCode;
  readonly out: string;
  readonly err: string;
}

export interface InProcessOptions {
  readonly env?: Record<string, string>;
  /** A fixed instant unless a test needs the real clock. */
  readonly now?: () => number;
  readonly timeZone?: string;
}

/** The command line run in this process, its output collected: for usage checks and for what a run leaves behind. */
export async function runCliInProcess(argv: string[], options: InProcessOptions = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    // Test files run side by side, some with ECHO-like agent processes: a command looks for them only when its test
    // says so.
    env: { MONITOR_AGENT_PROCESSES: 'off', ...options.env },
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    now: options.now ?? (() => Date.parse('2026-11-24T14:30:00Z')),
    timeZone: options.timeZone ?? 'UTC',
    untilStopped: () => Promise.resolve('SIGINT'),
  });
  return { code, out: out.join(''), err: err.join('') };
}

/**
 * A usage error, in docker's form: exit 3, nothing on stdout, and exactly two
 * lines on stderr, the reason after the program's name, then where the help
 * is (the command's own where the command was known; `helpOf` names it, null
 * for the program's own help); never the whole usage.
 */
export function expectUsageError(result: CliRun, reason: string, helpOf?: string | null): void {
  expect(result.code).toBe(3);
  expect(result.out).toBe('');
  const lines = result.err.split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^delegator-monitor: /);
  expect(lines[0]).toContain(reason);
  expect(lines[1]).toMatch(/^See 'delegator-monitor (?:[a-z-]+ )?--help'\.$/);
  if (helpOf !== undefined)
    expect(lines[1]).toBe(`See 'delegator-monitor ${helpOf === null ? '' : `${helpOf} `}--help'.`);
  expect(lines[2]).toBe('');
  expect(result.err).not.toContain('Usage:');
}
