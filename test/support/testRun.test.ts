import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDir } from '../../src/main/cli/stateDir';
import { redisServerMissing } from './needs';
import { psLines } from './psLines';
import { sseFrame } from './sseFrame';
import { postgresServerMissing } from './testDatabase';
import { processStart, RUN_VARIABLE } from './testRun';

const ROOT = new URL('../..', import.meta.url).pathname;
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const CONFIG = 'test/support/testRunFixture/vitest.config.ts';
// The nested runs start a PostgreSQL and a Redis of their own, whose server processes they leave for the run to end.
const noServers = [postgresServerMissing(), redisServerMissing()].some((reason) => reason !== null);

describe('the run’s own folder', () => {
  const run = process.env[RUN_VARIABLE] ?? '';

  it('gives this process a home, XDG folders and a state folder inside it, and none of the monitor’s settings', () => {
    expect(run).toMatch(/delegator-monitor-tests-\w+\/run-\d+-/);
    for (const name of ['HOME', 'XDG_STATE_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME'])
      expect(process.env[name], name).toMatch(new RegExp(`^${run}/`));
    expect(stateDir(process.env).startsWith(`${run}/`)).toBe(true);
    expect(Object.keys(process.env).filter((name) => /^(?:DATABASE_URL|DB_|REDIS_|MONITOR_)/.test(name))).toEqual([]);
  });
});

describe('reading what a command or a stream says, whatever other programs are called', () => {
  it('keeps U+2028 and U+2029 inside a server-sent event’s data, and takes \\r\\n as a line end', () => {
    const data = JSON.stringify({ model: 'qwen\u2028next\u2029line' });
    expect(sseFrame(`event: snapshot\ndata: ${data}`)).toEqual({ event: 'snapshot', data });
    expect(JSON.parse(sseFrame(`event: snapshot\r\ndata: ${data}\r\n`)?.data ?? '')).toEqual({
      model: 'qwen\u2028next\u2029line',
    });
    expect(sseFrame('event: x\ndata: one\ndata: two')).toEqual({ event: 'x', data: 'one\ntwo' });
    expect(sseFrame(': a comment')).toBeNull();
  });

  it('keeps U+2028 inside a ps line', () => {
    expect(psLines('  12 ollama run qwen\u2028evil\n 13 sh\n')).toEqual([
      { pid: 12, commandLine: 'ollama run qwen\u2028evil' },
      { pid: 13, commandLine: 'sh' },
    ]);
  });
});

interface FixtureReport {
  readonly run: string;
  readonly home: string;
  readonly controls: string;
  readonly pids: Record<string, number>;
}

interface NestedRun {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  readonly report: () => Promise<FixtureReport & { starts: Map<number, string | null> }>;
}

async function until(
  what: string,
  check: () => boolean,
  timeoutMs: number,
  output: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${String(timeoutMs)} ms\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const started = new Set<ChildProcess>();
let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'nested-test-runs-'));
});

afterAll(async () => {
  for (const child of started) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Its group has ended meanwhile.
    }
  }
  await rm(scratch, { recursive: true, force: true });
});

/**
 * `vitest run` of test/support/testRunFixture as a user starts it, in a
 * process group of its own as a terminal would (so Ctrl-C can be sent to the
 * group), with a home of its own standing for the user's, and no servers given.
 */
function startNestedRun(name: string, ending: 'hang' | 'fail'): NestedRun {
  const reportFile = join(scratch, `${name}.json`);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(?:VITEST|XDG_|TEST_)/.test(key) && key !== 'NODE_ENV') env[key] = value;
  }
  Object.assign(env, {
    HOME: join(scratch, 'user'),
    TEST_RUN_FIXTURE_REPORT: reportFile,
    TEST_RUN_FIXTURE_ENDING: ending,
  });
  const child = spawn(process.execPath, [VITEST, 'run', '--config', CONFIG], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      resolve(code);
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    async report() {
      await until(
        `the ${name} run's report`,
        () => existsSync(reportFile) || child.exitCode !== null,
        120_000,
        () => output,
      );
      if (!existsSync(reportFile)) throw new Error(`the ${name} run ended first:\n${output}`);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as FixtureReport;
      return { ...report, starts: new Map(Object.values(report.pids).map((pid) => [pid, processStart(pid)])) };
    },
  };
}

/** The processes of the report still running: the same pid with the same start. */
function stillRunning(
  report: { pids: Record<string, number>; starts: Map<number, string | null> },
  names: readonly string[] = Object.keys(report.pids),
): string[] {
  return names.filter((name) => {
    const pid = report.pids[name];
    return pid !== undefined && report.starts.get(pid) !== null && processStart(pid) === report.starts.get(pid);
  });
}

function watchdogOf(runner: number): number | undefined {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .find((pid) => {
      try {
        const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
        return (
          Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === runner &&
          readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').includes('testRunWatchdog.mjs')
        );
      } catch {
        return false;
      }
    });
}

const userState = (): string => join(scratch, 'user', '.local', 'state', 'delegator-monitor');

describe.skipIf(process.platform !== 'linux' || noServers)(
  'a test run leaves nothing running and writes nothing of the user’s',
  () => {
    it('ends everything a run started when it is interrupted with Ctrl-C', async () => {
      const nested = startNestedRun('interrupted', 'hang');
      const report = await nested.report();
      expect(stillRunning(report)).toEqual(Object.keys(report.pids));
      expect(report.home.startsWith(`${report.run}/`)).toBe(true);
      expect(report.controls.startsWith(`${report.run}/`)).toBe(true);
      process.kill(-(nested.child.pid ?? 0), 'SIGINT');
      await nested.exited;
      await until(
        'everything the interrupted run started ends',
        () => stillRunning(report).length === 0 && !existsSync(report.run),
        20_000,
        () => `${stillRunning(report).join(', ')}\n${nested.output()}`,
      );
      expect(existsSync(userState())).toBe(false);
    }, 180_000);

    it('ends everything when the runner is killed outright: its servers with it, the rest through its watchdog', async () => {
      const nested = startNestedRun('runner-killed', 'hang');
      const report = await nested.report();
      expect(watchdogOf(nested.child.pid ?? 0)).toBeDefined();
      process.kill(nested.child.pid ?? 0, 'SIGKILL');
      await nested.exited;
      await until(
        'everything the killed run started ends',
        () => stillRunning(report).length === 0 && !existsSync(report.run),
        30_000,
        () => `${stillRunning(report).join(', ')}\n${nested.output()}`,
      );
      expect(nested.output()).toMatch(
        /The test run ended without its teardown; killed what it left running \(\d+ processes\)/,
      );
    }, 180_000);

    it('ends a run killed with its watchdog: its servers with it, the rest at the next run’s start; and what a failing test leaves at its end', async () => {
      const killed = startNestedRun('killed', 'hang');
      const before = await killed.report();
      const runner = killed.child.pid ?? 0;
      const watchdog = watchdogOf(runner);
      expect(watchdog).toBeDefined();
      // Killed outright, runner and watchdog: no handler of theirs runs.
      process.kill(watchdog ?? 0, 'SIGKILL');
      process.kill(runner, 'SIGKILL');
      await killed.exited;
      await until(
        'the killed run’s servers end with it',
        () => stillRunning(before, ['postmaster', 'backend', 'redis']).length === 0,
        20_000,
      );
      // Nothing ends the test's own children now; the next run's start does.
      expect(stillRunning(before, ['child', 'detached'])).toEqual(['child', 'detached']);

      const next = startNestedRun('failing', 'fail');
      const after = await next.report();
      expect(stillRunning(before)).toEqual([]);
      expect(existsSync(before.run)).toBe(false);
      // What the failing test started runs until the teardown. Its worker may already have ended with the test, and
      // with it what is bound to the worker: the command started with its parent-death signal, the server session
      // on its connection.
      const boundToWorker = (name: string): boolean => ['worker', 'serve', 'backend'].includes(name);
      expect(stillRunning(after).filter((name) => !boundToWorker(name))).toEqual(
        Object.keys(after.pids).filter((name) => !boundToWorker(name)),
      );
      expect(await next.exited).toBe(1);
      // The teardown has run before the runner exits: nothing is left, the folder is gone, and it said what it ended.
      expect(stillRunning(after)).toEqual([]);
      expect(existsSync(after.run)).toBe(false);
      expect(next.output()).toMatch(/Tests left processes running \(\d+ processes, now killed\)/);
      expect(next.output()).not.toContain('changed your own folders');
      expect(existsSync(userState())).toBe(false);
    }, 300_000);
  },
);
