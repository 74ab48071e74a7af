import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { DEFAULT_CPU_WINDOW_MS } from '../src/main/cli/cpuWindow';
import { postgresBinDir } from '../test/support/servers';
import { percentile, progress, round } from './stats';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'out', 'cli', 'index.js');

/** One whole process, spawn to exit: its wall time and what it wrote to standard error. */
interface TimedRun {
  readonly wallMs: number;
  readonly stderr: string;
}

/** `runs` runs of a command after one not counted; an exit other than status's 0, 1 or 2 stops the bench. */
function timedRuns(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  runs: number,
): TimedRun[] {
  const measured: TimedRun[] = [];
  for (let run = 0; run <= runs; run += 1) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0 && result.status !== 1 && result.status !== 2)
      throw new Error(`${command} ${args.join(' ')} exited ${String(result.status)}: ${result.stderr}`);
    if (run > 0) measured.push({ wallMs, stderr: result.stderr });
  }
  return measured;
}

/** The median wall time of a whole process, start to exit. */
function wallMs(command: string, args: readonly string[], env: Readonly<Record<string, string>>, runs: number): number {
  return round(
    percentile(
      timedRuns(command, args, env, runs).map((run) => run.wallMs),
      50,
    ),
  );
}

/** The marks `status --timings` writes, each in ms since the process started, and the whole run's wall time. */
interface StatusRun {
  readonly marks: ReadonlyMap<string, number>;
  readonly exitedMs: number;
  readonly wallMs: number;
}

/** Loaded before a command, this writes when the process's exit event came, on the same clock as `--timings`. */
const EXIT_MARK = `data:text/javascript,${encodeURIComponent("process.on('exit', () => process.stderr.write(`exited at ${performance.now().toFixed(1)}\\n`));")}`;

function exitedAt(stderr: string): number {
  const at = /^exited at ([\d.]+)$/m.exec(stderr)?.[1];
  if (at === undefined) throw new Error(`the exit mark was not written: ${stderr}`);
  return Number(at);
}

/** What the system takes beyond the process's own clock, for a bare Node: starting it before that clock starts, and tearing it down after its exit event. */
function bareTeardownMs(runs: number): number {
  const gaps = timedRuns(process.execPath, ['--import', EXIT_MARK, '-e', '0'], {}, runs).map(
    (run) => run.wallMs - exitedAt(run.stderr),
  );
  return round(percentile(gaps, 50), 1);
}

function parseTimings(stderr: string): Map<string, number> {
  const line = /^timings \(ms since the process started\): (.*)$/m.exec(stderr)?.[1];
  if (line === undefined) throw new Error(`status --timings wrote no timings: ${stderr}`);
  return new Map(
    line.split(' · ').map((part) => {
      const at = part.lastIndexOf(' ');
      return [part.slice(0, at), Number(part.slice(at + 1))] as const;
    }),
  );
}

/**
 * A `status` run split into its phases, each the median over the runs:
 * start-up (the process's start until the command's modules are loaded),
 * connecting (sources opened until PostgreSQL's connection is made), reading
 * (opened until every source is read; the CPU is measured over the run so far,
 * with no wait), closing, exiting (written until the exit event: what
 * holds the exit), and teardown (the rest of the wall time: the system
 * starting the process before its clock and tearing it down after, which
 * grows with the memory it used), beside a bare Node's.
 */
function statusPhases(env: Readonly<Record<string, string>>, runs: number) {
  const measured: StatusRun[] = timedRuns(
    process.execPath,
    ['--import', EXIT_MARK, CLI, 'status', '--timings'],
    env,
    runs,
  ).map((run) => ({
    marks: parseTimings(run.stderr),
    exitedMs: exitedAt(run.stderr),
    wallMs: run.wallMs,
  }));
  const median = (pick: (run: StatusRun) => number) => round(percentile(measured.map(pick), 50), 1);
  const at = (run: StatusRun, mark: string) => run.marks.get(mark) ?? Number.NaN;
  return {
    startUpMs: median((run) => at(run, 'loaded')),
    connectingMs: median((run) => at(run, 'connected') - at(run, 'opened')),
    readingMs: median((run) => at(run, 'read') - at(run, 'opened')),
    closingMs: median((run) => at(run, 'closed') - at(run, 'read')),
    exitingMs: median((run) => run.exitedMs - at(run, 'written')),
    teardownMs: median((run) => run.wallMs - run.exitedMs),
    bareTeardownMs: bareTeardownMs(runs),
    wallMs: median((run) => run.wallMs),
  };
}

/** The dashboard's first script, and all its code, raw and gzipped. */
function bundleSizes(rendererDir: string): { firstKb: number; firstGzipKb: number; allKb: number; allGzipKb: number } {
  const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
  const first = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
  const scripts = readdirSync(join(rendererDir, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(rendererDir, 'assets', name));
  const size = (path: string) => statSync(path).size / 1024;
  const gzip = (path: string) => gzipSync(readFileSync(path)).length / 1024;
  const firstPath = first === undefined ? null : join(rendererDir, first);
  return {
    firstKb: firstPath === null ? Number.NaN : round(size(firstPath), 0),
    firstGzipKb: firstPath === null ? Number.NaN : round(gzip(firstPath), 0),
    allKb: round(
      scripts.reduce((sum, path) => sum + size(path), 0),
      0,
    ),
    allGzipKb: round(
      scripts.reduce((sum, path) => sum + gzip(path), 0),
      0,
    ),
  };
}

/**
 * Starting the command line, whole process, each beside its floors from the
 * same run: a bare `node -e 0`, and psql asking the same server one question.
 */
export function measureStartup(databaseUrl: string, rendererDir: string, runs: number) {
  progress(`start-up: ${String(runs)} runs of each command`);
  const status = { DATABASE_URL: databaseUrl, REGISTRY_MODE: 'sessions', OLLAMA_ENDPOINT: 'off' };
  const node = wallMs(process.execPath, ['-e', '0'], {}, runs);
  // psql beside the real initdb: a PATH may link the server's binaries alone.
  const psqlPath = join(dirname(realpathSync(join(postgresBinDir(), 'initdb'))), 'psql');
  const psql = wallMs(psqlPath, [databaseUrl, '-Atqc', 'SELECT 1'], {}, runs);
  const compiledHelp = wallMs(process.execPath, [CLI, '--help'], {}, runs);
  const compiledStatus = wallMs(process.execPath, [CLI, 'status'], status, runs);
  // The old default, now asked for: the CPU measured over at least 250 ms from the process's start.
  const compiledStatusCpuWindow = wallMs(process.execPath, [CLI, 'status', '--cpu-window'], status, runs);
  // npm's own share: the same script with nothing to connect to.
  const npmHelp = wallMs('npm', ['run', '--silent', 'cli', '--', '--help'], {}, runs);
  const npmStatus = wallMs('npm', ['run', '--silent', 'cli', '--', 'status'], status, runs);
  const demoStatus = wallMs(process.execPath, [CLI, 'status', '--demo'], {}, Math.min(runs, 3));
  return {
    nodeMs: node,
    psqlMs: psql,
    compiledHelpMs: compiledHelp,
    compiledStatusMs: compiledStatus,
    /**
     * The CPU window a plain `status` waits out: none, so its floor is Node's start alone. It measures the CPU over the
     * time it ran, and says it is unknown where that was too short to tell.
     */
    cpuWindowMs: 0,
    /** `status --cpu-window`, which waits as `status` did: the CPU over at least this many ms from the process's start. */
    compiledStatusCpuWindowMs: compiledStatusCpuWindow,
    flagCpuWindowMs: DEFAULT_CPU_WINDOW_MS,
    statusPhases: statusPhases(status, runs),
    npmHelpMs: npmHelp,
    npmStatusMs: npmStatus,
    demoStatusMs: demoStatus,
    bundle: bundleSizes(rendererDir),
  };
}
