import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCliProcess, startCliProcess, type CliRun } from '../support/runCliProcess';

/** Every process under `root`, from one listing of the whole table. */
function descendantsOf(root: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((row): row is [number, number] => row.length === 2 && row.every(Number.isInteger));
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [pid, ppid] of rows) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function untilGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = pids.filter(alive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = left.filter(alive);
  }
  return left;
}

describe('npm run cli -- status --demo, as tables', () => {
  it('prints the header block and a section for sessions, agents and models, each with its header row', async () => {
    const run = await runCliProcess(['status', '--demo'], {});
    // The demo's agents may well not fit this machine's RAM: an alert then sets the code.
    expect([0, 1, 2]).toContain(run.code);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Delegator Monitor {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(.+\)$/);
    expect(lines).toContainEqual(expect.stringMatching(/^Machine {5}CPU /));
    expect(lines).toContainEqual(expect.stringMatching(/^RAM {9}.* used by agents of [\d.]+ GB .*· free /));
    expect(lines).toContainEqual(expect.stringMatching(/^SESSIONS {4}1 active · \d+ today$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}CATEGORY {3,}STARTED {3,}DURATION {3,}AGENTS {3,}DESCRIPTION$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^AGENTS {6}\d+ active /));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}ROLE {3,}MODEL {3,}MODEL MEMORY {3,}PROCESS {3,}CPU {3,}UP {3,}PID {3,}HEARTBEAT {3,}WORK$/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^MODELS {6}\d+ loaded/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}NAME {3,}SIZE {3,}PROCESSOR {3,}UNTIL {3,}USED BY$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}\S+ {3,}[\d.]+ [MG]B {3,}(100% GPU|100% CPU|\d+%\/\d+% CPU\/GPU) {3,}in \d/),
    );
    // No agent among the sessions: the first line after the sessions' header row is a session.
    const sessionRow = lines[lines.findIndex((line) => line.startsWith('  CATEGORY')) + 1];
    expect(sessionRow).toMatch(/^ {2}[A-Z_]+ {3,}\d\d:\d\d:\d\d /);
  }, 60_000);
});

describe('npm run cli -- status --demo --watch 1', () => {
  it('redraws from one running monitor, frames apart when piped, and ends on SIGINT with exit 0 and nothing left running', async () => {
    const cli = startCliProcess(['status', '--demo', '--watch', '1'], {});
    let run: CliRun | undefined;
    let children: number[];
    try {
      await cli.waitFor(
        /^Delegator Monitor .* every 1s$[\s\S]*\n\nDelegator Monitor .* every 1s$[\s\S]*\n\nDelegator Monitor /m,
        60_000,
      );
      children = descendantsOf(cli.pid());
    } finally {
      run = await cli.stop('SIGINT');
    }
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('\x1b');
    const frames = run.stdout.split('\n\n').filter((block) => block.startsWith('Delegator Monitor  '));
    expect(frames.length).toBeGreaterThanOrEqual(3);
    // A second apart, give or take a poll on a busy machine.
    const times = frames.map((frame) => Date.parse(`1970-01-01T${/ (\d\d:\d\d:\d\d) /.exec(frame)?.[1] ?? ''}Z`));
    const gaps = times.slice(1).map((time, index) => (time - (times[index] ?? 0) + 86_400_000) % 86_400_000);
    expect(gaps.every((gap) => gap >= 1000 && gap <= 10_000)).toBe(true);
    // One demo and one monitor for the whole run: every frame read the same database and Ollama, on the ports they took
    // at the start.
    const sources = frames.map((frame) =>
      frame
        .split('\n')
        .filter((line) => /^(PostgreSQL|Ollama) /.test(line))
        .join('\n'),
    );
    expect(sources[0]).toMatch(/^PostgreSQL {2}ok \(.*:\d+\/.*\)\nOllama {6}ok \(http:\/\/127\.0\.0\.1:\d+\)$/);
    expect(new Set(sources).size).toBe(1);
    // The demo's simulated agents run as processes of its own, and end with it.
    expect(children.length).toBeGreaterThan(0);
    expect(await untilGone(children, 5000)).toEqual([]);
    expect(alive(cli.pid())).toBe(false);
  }, 90_000);

  it.each([['0'], ['x']])('--watch %s is a usage error: one line, where the help is, exit 3', async (value) => {
    const run = await runCliProcess(['status', '--watch', value], {});
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `delegator-monitor: --watch "${value}": expected whole seconds from 1 to 86400\nSee 'delegator-monitor status --help'.\n`,
    );
  });
});
