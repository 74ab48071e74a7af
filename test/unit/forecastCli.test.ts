import { describe, expect, it } from 'vitest';
import { expectUsageError, runCliInProcess } from '../support/cliInProcess';

const cli = (argv: string[]) => runCliInProcess(argv);

describe('forecast on the command line, before it touches any source', () => {
  it('has its own help, naming the categories --category takes', async () => {
    const { code, out } = await cli(['forecast', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: delegator-monitor forecast [--category C] [--json] [--demo]');
    expect(out).toMatch(
      /--category C +Only C: one of strategic, technical, development, hr, operations, product, quick_fix$/m,
    );
  });

  it.each([
    [
      ['forecast', '--category', 'marketing'],
      `--category "marketing": not one of ECHO's categories: strategic, technical, development, hr, operations, product, quick_fix`,
    ],
    [['forecast', '--category', 'constructor'], '--category "constructor": not one of'],
    [['forecast', '--category'], "Option '--category <value>' argument missing"],
    [['forecast', 'technical'], 'Unexpected argument'],
  ])('exits 3 with one line and a pointer to its help for %j', async (argv, message) => {
    expectUsageError(await cli(argv), message, 'forecast');
  });
});
