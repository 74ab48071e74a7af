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
    // Test files run side by side, some with ECHO-like agent processes: a command looks for them only when its test says so.
    env: { MONITOR_AGENT_PROCESSES: 'off', ...options.env },
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    now: options.now ?? (() => Date.parse('2026-11-24T14:30:00Z')),
    timeZone: options.timeZone ?? 'UTC',
    untilStopped: () => Promise.resolve('SIGINT'),
  });
  return { code, out: out.join(''), err: err.join('') };
}

/** A usage error: exit 3, the reason and the usage on stderr, nothing on stdout. */
export function expectUsageError(result: CliRun, reason: string): void {
  expect(result.code).toBe(3);
  expect(result.err).toContain(reason);
  expect(result.err).toContain('Usage: delegator-monitor');
  expect(result.out).toBe('');
}
