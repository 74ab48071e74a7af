import { describe, expect, it } from 'vitest';
import { expectUsageError, runCliInProcess } from '../support/cliInProcess';

const cli = (argv: string[], env: Record<string, string> = {}) => runCliInProcess(argv, { env });

describe('the command line, before it touches any source', () => {
  it('prints the overview on --help, -h and help, with each command on one line, and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.out.split('\n')[0]).toBe('Usage: delegator-monitor <command> [options]');
    expect(result.out).toMatch(/^ {2}status {2,}One snapshot of sessions, agents, memory, warnings and alerts$/m);
    expect(result.out).toMatch(/^ {2}migrate {2,}\S/m);
    expect(result.out).toContain("Run 'delegator-monitor <command> --help'");
    expect(await cli(['-h'])).toEqual(result);
    expect(await cli(['help'])).toEqual(result);
  });

  it('prints the overview on stderr and exits 3 when no command is given', async () => {
    const result = await cli([]);
    expect(result.code).toBe(3);
    expect(result.out).toBe('');
    expect(result.err).toBe((await cli(['--help'])).out);
  });

  it.each([
    [['launch'], 'unknown command "launch"', null],
    [['status', '--jsn'], "Unknown option '--jsn'", 'status'],
    [['status', 'extra'], 'Unexpected argument', 'status'],
    [['status', '--date', '24/11/2026'], '--date "24/11/2026": expected a date as YYYY-MM-DD', 'status'],
    [['status', '--date', '2026-02-30'], '--date "2026-02-30": no such calendar date', 'status'],
    // Not a false outage: a day the monitor cannot ask about is the caller's mistake.
    [
      ['status', '--date', '9999-12-31'],
      '--date "9999-12-31": out of the supported range, 1970-01-01 to 9999-12-30',
      'status',
    ],
    [
      ['status', '--date', '0050-01-01'],
      '--date "0050-01-01": out of the supported range, 1970-01-01 to 9999-12-30',
      'status',
    ],
    [
      ['export', '--from', '2026-11-01', '--to', '9999-12-31'],
      '--to "9999-12-31": out of the supported range',
      'export',
    ],
    [['migrate', '--force'], "Unknown option '--force'", 'migrate'],
    [['migrate', '--standalone', 'now'], 'Unexpected argument', 'migrate'],
    // What was typed goes back to the terminal, its controls escaped.
    [['launch\u202e'], 'unknown command "launch\\u202e"', null],
    [['status', '--jsn\u009b2J'], "Unknown option '--jsn\\x9b2J'", 'status'],
    [['status', 'ok\nOK: all clear'], "Unexpected argument 'ok\\nOK: all clear'", 'status'],
  ])('exits 3 with one line and a pointer to the help for %j', async (argv, message, helpOf) => {
    expectUsageError(await cli(argv), message, helpOf);
  });

  it('exits 3 with a one-line message naming a bad variable', async () => {
    const result = await cli(['status'], { DB_PORT: 'fifty' });
    expect(result.code).toBe(3);
    expect(result.err).toBe('Invalid configuration: DB_PORT must be a port number (got "fifty")\n');
  });
});
