import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, COMMAND_NAMES } from '../../src/main/cli/helpText';
import { nearest } from '../../src/main/cli/usageErrors';
import { expectUsageError, runCliInProcess } from '../support/cliInProcess';

// A configuration that stops any command that reads it: help and version must not read it.
const BROKEN_CONFIGURATION = { DB_PORT: 'fifty', REDIS_PORT: 'none', MONITOR_POLL_MS: '1e3' };
const cli = (argv: string[], env: Record<string, string> = BROKEN_CONFIGURATION) => runCliInProcess(argv, { env });
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe.each(COMMAND_NAMES)('%s --help', (command) => {
  const help = COMMAND_HELP[command];

  it('prints its own help on stdout, nothing on stderr, and exits 0, however the configuration stands', async () => {
    const result = await cli([command, '--help']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    // The synopsis, wrapped where it is long, as one line again.
    expect(result.out.split('\n\n')[0]?.replace(/\s+/g, ' ')).toBe(
      `Usage: ${help.synopsis.map((form) => `delegator-monitor ${form}`).join(' ')}`,
    );
    expect(result.out).toContain(`\n${help.summary}.\n`);
    for (const [flag, meaning] of [...help.options, ['-h, --help', 'Show this help'] as const]) {
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^ {2}${escapeRegExp(flag)} {2,}${escapeRegExp(meaning)}$`)),
      );
    }
    expect(result.out).toMatch(/\nExit codes:\n {2}0 {2}\S/);
    expect(result.out).toMatch(/\n {2}3 {2}bad usage/);
    expect(result.out).toMatch(new RegExp(`\\nExamples:\\n {2}delegator-monitor ${command}\\b`));
    // No line wider than a terminal of 100 columns, whose own wrapping would break words.
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('is the same with -h, wherever it stands, and as help <command>', async () => {
    const { out } = await cli([command, '--help']);
    for (const argv of [
      [command, '-h'],
      ['help', command],
      [command, '--json', '-h'],
      [command, '--no-such-option', '--help'],
    ]) {
      expect(await cli(argv)).toEqual({ code: 0, out, err: '' });
    }
  });

  it('is not asked for after --, where it is an argument', async () => {
    const result = await cli([command, '--', '--help']);
    expect(result.out).toBe('');
    expect(result.code).toBe(3);
  });

  it('answers a bad option with exactly two lines on stderr, pointing at its own help, and exit 3', async () => {
    expectUsageError(await cli([command, '--no-such-option']), "Unknown option '--no-such-option'", command);
  });

  // Held against what the command accepts: an option its help lists but its parser refuses would be a lie.
  it.each(help.options.map(([flag]) => flag.split(' ')[0] ?? flag))(
    'accepts %s, which its help lists',
    async (option) => {
      // The unknown option after it stops the command before it runs, whatever the listed option needs.
      const result = await cli([command, option, '--zzz-not-an-option']);
      expect(result.code).toBe(3);
      expect(result.err).not.toContain(`Unknown option '${option}'`);
    },
  );
});

describe('the overview', () => {
  it('lists every command on one line, and help and version', async () => {
    const { out } = await cli(['--help']);
    for (const command of COMMAND_NAMES)
      expect(out).toContain(`\n  ${command.padEnd(13)}${COMMAND_HELP[command].summary}\n`);
    expect(out).toMatch(/^ {2}help {2,}\S/m);
    expect(out).toMatch(/^ {2}version {2,}\S/m);
    expect(out).toMatch(/^ {2}-v, --version {2,}\S/m);
  });

  it.each([[['help', '--help']], [['help', 'help']], [['help', '--version']], [['version', '--help']]])(
    '%j prints it too',
    async (argv) => {
      expect(await cli(argv)).toEqual({ code: 0, out: (await cli(['--help'])).out, err: '' });
    },
  );
});

describe('--version', () => {
  it.each([[['--version']], [['-v']], [['version']]])(
    "%j prints package.json's version and Node's, and exits 0",
    async (argv) => {
      expect(await cli(argv)).toEqual({
        code: 0,
        out: `delegator-monitor ${PACKAGE_VERSION}\nNode.js ${process.version}\n`,
        err: '',
      });
    },
  );

  it('takes no argument', async () => {
    expectUsageError(await cli(['version', 'now']), 'Unexpected argument "now": version takes none', null);
  });
});

describe('a word that is no command', () => {
  it.each([
    [['stauts'], `unknown command "stauts". Did you mean 'status'?`],
    [['Status'], `unknown command "Status". Did you mean 'status'?`],
    [['forcast', '--json'], `unknown command "forcast". Did you mean 'forecast'?`],
    [['stop_agent', 'cto'], `unknown command "stop_agent". Did you mean 'stop-agent'?`],
    [['unlaod'], `unknown command "unlaod". Did you mean 'unload'?`],
    [['verison'], `unknown command "verison". Did you mean 'version'?`],
    [['help', 'exprot'], `unknown command "exprot". Did you mean 'export'?`],
    [['--verison'], `unknown option "--verison". Did you mean '--version'?`],
  ])('%j suggests the nearest command', async (argv, message) => {
    const result = await cli(argv);
    expectUsageError(result, message, null);
    expect(result.err.split('\n')[0]).toBe(`delegator-monitor: ${message}`);
  });

  it.each([
    [['launch'], 'delegator-monitor: unknown command "launch"'],
    [['ls'], 'delegator-monitor: unknown command "ls"'],
    [['--json', 'status'], 'delegator-monitor: unknown option "--json": the command comes first, then its options'],
    [['help', 'status', 'now'], 'delegator-monitor: Unexpected argument "now": help takes one command'],
  ])('%j suggests nothing where nothing is near', async (argv, line) => {
    const result = await cli(argv);
    expectUsageError(result, line, null);
    expect(result.err.split('\n')[0]).toBe(line);
  });
});

describe('an option that is no option of the command', () => {
  it.each([
    [['status', '--jsn'], "delegator-monitor: Unknown option '--jsn'. Did you mean '--json'?"],
    [['migrate', '--standalon'], "delegator-monitor: Unknown option '--standalon'. Did you mean '--standalone'?"],
    [['serve', '--prot', '4000'], "delegator-monitor: Unknown option '--prot'. Did you mean '--port'?"],
    [
      ['unload', 'm', '--jsno'],
      "delegator-monitor: Unknown option '--jsno'. Did you mean '--json'? To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--jsno\"",
    ],
    [['stop-agent', 'cto', '--force'], "delegator-monitor: Unknown option '--force'. To specify a positional argument"],
  ])('%j says so on one line, with the option meant where one is near', async (argv, line) => {
    const result = await cli(argv);
    expectUsageError(result, line, argv[0]);
    expect(result.err.split('\n')[0]).toMatch(new RegExp(`^${escapeRegExp(line)}`));
  });

  it("keeps parseArgs's three-line explanation of an ambiguous value to one line", async () => {
    const result = await cli(['export', '--from', '2026-11-01', '--to', '2026-11-02', '--out', '--demo']);
    expectUsageError(
      result,
      "Option '--out' argument is ambiguous. Did you forget to specify the option argument for '--out'? To specify an option argument starting with a dash use '--out=-XYZ'.",
      'export',
    );
  });
});

describe('the nearest word', () => {
  it.each([
    ['stauts', 'status'],
    ['sattus', 'status'],
    ['statu', 'status'],
    ['STATUS', 'status'],
    ['exprt', 'export'],
    ['ls', null],
    ['s', null],
    ['', null],
    ['simulator', 'simulate'],
    ['x', null],
  ])('%j: %j', (typed, expected) => {
    expect(nearest(typed, COMMAND_NAMES)).toBe(expected);
  });
});
