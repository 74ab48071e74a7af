import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/main/cli/helpText';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'delegator-monitor.js');
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
// As runCliProcess does: only PATH and HOME, and no scan for agent processes other tests start.
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MONITOR_AGENT_PROCESSES: 'off' };

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...ENV, ...env }, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A shell pipeline as the docs write it, run from the checkout. */
const shell = (pipeline: string): Run => run('sh', ['-c', pipeline]);

/** Reads all of stdin as JSON and says what it found: the pipe's reader in the docs' examples. */
const PARSE_JSON = `node -e "const value = JSON.parse(require('fs').readFileSync(0, 'utf8')); console.log('parsed', Object.keys(value).length)"`;

beforeAll(() => {
  // npx runs the package's bin, which runs what was last built: build it where the sources are newer, as `npm run cli`
  // does.
  const built = run(process.execPath, [join(ROOT, 'scripts', 'cli.mjs'), '--version']);
  expect(built.status, built.stderr).toBe(0);
}, 180_000);

describe('the installed command, as the docs run it', () => {
  it('npx delegator-monitor --version prints the version and nothing of npm', () => {
    const result = run('npx', ['--no-install', 'delegator-monitor', '--version']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^delegator-monitor ${PACKAGE_VERSION.replaceAll('.', '\\.')}\\nNode\\.js v\\d+\\.\\d+\\.\\d+\\n$`),
    );
  });

  it('npx delegator-monitor status --json --demo | a JSON parser: standard output is the JSON alone', () => {
    const result = shell(`npx --no-install delegator-monitor status --json --demo | ${PARSE_JSON}`);
    expect(result.stderr).not.toMatch(/SyntaxError|Unexpected token/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^parsed \d+\n$/);
  }, 120_000);

  it("npm run -s cli -- --version | anything: -s keeps npm's banner out of the pipe", () => {
    const silent = shell('npm run -s cli -- --version | head -1');
    expect(silent.stdout).toBe(`delegator-monitor ${PACKAGE_VERSION}\n`);
    // Why the docs say -s: without it, npm's banner is the first thing the pipe reads.
    const loud = shell('npm run cli -- --version | head -2');
    expect(loud.stdout).not.toMatch(/^delegator-monitor /);
  });
});

describe('the built command line', () => {
  it.each(COMMAND_NAMES)(
    '%s --help: its own help on stdout, nothing on stderr, exit 0, however the configuration stands',
    (command) => {
      const result = run(process.execPath, [BIN, command, '--help'], { DB_PORT: 'fifty' });
      expect(result).toEqual({
        status: 0,
        stdout: expect.stringMatching(new RegExp(`^Usage: delegator-monitor ${command} `)) as unknown,
        stderr: '',
      });
    },
  );

  it('answers a bad option with two lines on stderr and exit 3', () => {
    const result = run(process.execPath, [BIN, 'status', '--jsn']);
    expect(result).toEqual({
      status: 3,
      stdout: '',
      stderr:
        "delegator-monitor: Unknown option '--jsn'. Did you mean '--json'?\nSee 'delegator-monitor status --help'.\n",
    });
  });

  it('answers an unknown command with the nearest one', () => {
    const result = run(process.execPath, [BIN, 'stauts']);
    expect(result).toEqual({
      status: 3,
      stdout: '',
      stderr:
        "delegator-monitor: unknown command \"stauts\". Did you mean 'status'?\nSee 'delegator-monitor --help'.\n",
    });
  });
});
