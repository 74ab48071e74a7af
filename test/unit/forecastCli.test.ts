import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/cliInProcess';

const cli = (argv: string[]) => runCliInProcess(argv);

describe('forecast on the command line, before it touches any source', () => {
  it('is in the usage', async () => {
    expect((await cli(['--help'])).out).toContain('forecast [--category C] [--json] [--demo]');
  });

  it.each([
    [['forecast', '--category', 'marketing'], `--category "marketing": not one of ECHO's categories: strategic, technical, development, hr, operations, product, quick_fix`],
    [['forecast', '--category', 'constructor'], '--category "constructor": not one of'],
    [['forecast', '--category'], "Option '--category <value>' argument missing"],
    [['forecast', 'technical'], 'Unexpected argument'],
  ])('exits 3 with usage for %j', async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(3);
    expect(result.err).toContain(message);
    expect(result.out).toBe('');
  });
});
