import { describe, expect, it } from 'vitest';
import { expectUsageError, runCliInProcess } from '../support/cliInProcess';

const cli = (argv: string[], env: Record<string, string> = {}) => runCliInProcess(argv, { env });

describe('the command line, before it touches any source', () => {
  it('prints usage on --help and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('status [--json] [--date YYYY-MM-DD]');
    expect(result.out).toContain('migrate [--standalone]');
  });

  it.each([
    [[], ''],
    [['launch'], 'unknown command "launch"'],
    [['status', '--jsn'], "Unknown option '--jsn'"],
    [['status', 'extra'], 'Unexpected argument'],
    [['status', '--date', '24/11/2026'], '--date "24/11/2026": expected a date as YYYY-MM-DD'],
    [['status', '--date', '2026-02-30'], '--date "2026-02-30": no such calendar date'],
    // Not a false outage: a day the monitor cannot ask about is the caller's mistake.
    [['status', '--date', '9999-12-31'], '--date "9999-12-31": out of the supported range, 1970-01-01 to 9999-12-30'],
    [['status', '--date', '0050-01-01'], '--date "0050-01-01": out of the supported range, 1970-01-01 to 9999-12-30'],
    [['export', '--from', '2026-11-01', '--to', '9999-12-31'], '--to "9999-12-31": out of the supported range'],
    [['migrate', '--force'], "Unknown option '--force'"],
    [['migrate', '--standalone', 'now'], 'Unexpected argument'],
    // What was typed goes back to the terminal, its controls escaped.
    [['launch\u202e'], 'unknown command "launch\\u202e"'],
    [['status', '--jsn\u009b2J'], "Unknown option '--jsn\\x9b2J'"],
  ])('exits 3 with usage for %j', async (argv, message) => {
    expectUsageError(await cli(argv), message);
  });

  it('exits 3 with a one-line message naming a bad variable', async () => {
    const result = await cli(['status'], { DB_PORT: 'fifty' });
    expect(result.code).toBe(3);
    expect(result.err).toBe('Invalid configuration: DB_PORT must be a port number (got "fifty")\n');
  });
});
