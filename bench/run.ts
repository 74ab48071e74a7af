/**
 * `npm run bench [-- --quick | --smoke] [-- --json]`: every figure beside its
 * floor from the same run, on throwaway PostgreSQL and Redis.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startCliProcess } from '../test/support/runCliProcess';
import { startPostgres, startRedis } from '../test/support/servers';
import { measureAgentScan } from './agentScan';
import { measureDemo } from './demo';
import { measureDesktopFirstPaint, type DesktopPaint } from './desktopPaint';
import { measureEventToScreen } from './eventToScreen';
import { measureExport } from './exportMemory';
import { measureAtRest, measureManyPolls } from './idle';
import { measurePollCost } from './pollCost';
import { RENDERER_DIR } from '../src/main/cli/serveCommand';
import { measureRender } from './render';
import { measureStartup } from './startup';
import { measureWindowsSpawns } from './windowsSpawns';
import { percentile, progress, round } from './stats';

type Mode = 'full' | 'quick' | 'smoke';
const mode: Mode = process.argv.includes('--smoke') ? 'smoke' : process.argv.includes('--quick') ? 'quick' : 'full';
const json = process.argv.includes('--json');

const PLAN = {
  full: {
    sizes: [10_000, 100_000, 1_000_000],
    polls: 200,
    events: 300,
    pollOnly: 30,
    restSeconds: 60,
    manyPolls: 10_000,
    renders: 100,
    renderRuns: 3,
    agents: 9,
    scans: 20,
    starts: 10,
    desktopLaunches: 5,
    demoLaunches: 5,
    windowsPolls: 120,
  },
  quick: {
    sizes: [10_000, 100_000],
    polls: 100,
    events: 200,
    pollOnly: 10,
    restSeconds: 20,
    manyPolls: 10_000,
    renders: 40,
    renderRuns: 3,
    agents: 9,
    scans: 10,
    starts: 5,
    desktopLaunches: 3,
    demoLaunches: 3,
    windowsPolls: 60,
  },
  smoke: {
    sizes: [10_000],
    polls: 10,
    events: 10,
    pollOnly: 1,
    restSeconds: 2,
    manyPolls: 2500,
    renders: 3,
    renderRuns: 1,
    agents: 2,
    scans: 3,
    starts: 1,
    desktopLaunches: 1,
    demoLaunches: 1,
    windowsPolls: 12,
  },
}[mode];

const ROOT = join(import.meta.dirname, '..');

async function versionOf(query: () => Promise<string>): Promise<string> {
  try {
    return await query();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  progress(`bench (${mode}): starting PostgreSQL and Redis`);
  const [postgres, redisServer] = await Promise.all([startPostgres(), startRedis()]);
  try {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
      progress('building the dashboard');
      execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'error'], { cwd: ROOT });
    }
    // The compiled command line, built first where it is missing or older than its sources, as `npm run cli` does.
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'cli.mjs'), '--help'], { cwd: ROOT, stdio: 'ignore' });
    const admin = new pg.Pool({ connectionString: postgres.url, max: 1 });
    admin.on('error', () => undefined);
    const postgresVersion = await versionOf(async () =>
      String((await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version),
    );
    await admin.end();
    const probe = new Redis(redisServer.url);
    probe.on('error', () => undefined);
    const redisVersion = await versionOf(
      async () => /redis_version:(\S+)/.exec(await probe.info('server'))?.[1] ?? 'unknown',
    );
    probe.disconnect();

    const poll = await measurePollCost(
      postgres.url,
      PLAN.sizes.flatMap((rows) => [
        { rows, density: 'year' as const },
        { rows, density: 'constant' as const },
      ]),
      PLAN.polls,
    );

    // The poll's tables are there already; the smoke run's one small table keeps it quick.
    const exports = await measureExport(postgres.url, PLAN.sizes);

    const servedDb = new URL(postgres.url);
    servedDb.pathname = `/bench_year_${String(PLAN.sizes[0] ?? 10_000)}`;
    const dataDirs: string[] = [];
    const serveAt = (pollMs: string, agentProcesses: 'on' | 'off' = 'on') => {
      const dataDir = join(os.tmpdir(), `bench-serve-${String(process.pid)}-${pollMs}-${agentProcesses}`);
      dataDirs.push(dataDir);
      return startCliProcess(['serve', '--port', '0'], {
        DATABASE_URL: servedDb.toString(),
        REDIS_URL: redisServer.url,
        REDIS_PREFIX: 'bench:',
        OLLAMA_ENDPOINT: 'off',
        MONITOR_POLL_MS: pollMs,
        // As a user runs it: looking for ECHO's agent processes, as by default.
        MONITOR_AGENT_PROCESSES: agentProcesses,
        MONITOR_DATA_DIR: dataDir,
      });
    };
    // What looking for the agents' processes adds to an event's way to the screen: the same events without it.
    progress('starting serve at the default 5 s poll, not looking for processes');
    const blind = serveAt('5000', 'off');
    const blindUrl = (await blind.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000))[1] ?? '';
    const withoutScan = await measureEventToScreen(
      { url: blindUrl, cli: blind },
      redisServer.url,
      'bench:',
      PLAN.events,
      0,
    );
    await blind.stop('SIGTERM');
    progress('starting serve at the default 5 s poll');
    const serve = serveAt('5000');
    const servedUrl = (await serve.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000))[1] ?? '';
    const events = await measureEventToScreen(
      { url: servedUrl, cli: serve },
      redisServer.url,
      'bench:',
      PLAN.events,
      PLAN.pollOnly,
    );
    progress(`at rest: ${String(PLAN.restSeconds)} s of serve at the 5 s poll`);
    const rest5 = await measureAtRest(serve.pid(), PLAN.restSeconds);
    await serve.stop('SIGTERM');
    progress('starting serve at a 1 s poll');
    const fast = serveAt('1000');
    await fast.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    progress(`at rest: ${String(PLAN.restSeconds)} s of serve at the 1 s poll`);
    const rest1 = await measureAtRest(fast.pid(), PLAN.restSeconds);
    await fast.stop('SIGTERM');
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    const many = await measureManyPolls(PLAN.manyPolls);
    // The tail of one run moves with the machine: p95 is taken in each of several runs, and their median quoted with the spread.
    const renderRuns = [];
    for (let run = 0; run < PLAN.renderRuns; run += 1)
      renderRuns.push(await measureRender(postgres.url, redisServer.url, RENDERER_DIR, PLAN.renders));
    const render = medianRender(renderRuns);
    const startup = measureStartup(servedDb.toString(), RENDERER_DIR, PLAN.starts);
    const agentScan = await measureAgentScan(PLAN.agents, PLAN.scans);
    const windowsSpawns = await measureWindowsSpawns(PLAN.windowsPolls, PLAN.agents);
    const demo = await measureDemo(PLAN.restSeconds, PLAN.demoLaunches);
    const desktop = await measureDesktopFirstPaint(PLAN.desktopLaunches);

    const largest = poll.sizes.filter((size) => size.density === 'year').at(-1);
    const result: BenchResult = {
      quick: mode !== 'full',
      mode,
      seconds: Math.round((Date.now() - started) / 1000),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGb: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        postgres: postgresVersion,
        redis: redisVersion,
      },
      eventToSnapshot: events.eventToSnapshot,
      eventToSnapshotWithoutScan: withoutScan.eventToSnapshot,
      pollOnlyToSnapshot: events.pollOnlyToSnapshot,
      poll,
      export: exports,
      idle: {
        cpuPctAt5s: rest5.cpuPct,
        cpuPctAt1s: rest1.cpuPct,
        rssMb: rest5.rssMb,
        rssGrowthMb: many.rssGrowthMb,
        heapGrowthMb: many.heapGrowthMb,
        polls: many.polls,
      },
      render,
      startup,
      agentScan,
      windowsSpawns,
      demo,
      desktop,
    };
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(table(result, largest?.p50Ms ?? Number.NaN));
  } finally {
    await Promise.all([postgres.stop(), redisServer.stop()]);
  }
}

/** Several render runs as one: the median of each run's p50 and p95, and the spread of the p95s. */
function medianRender(runs: readonly Awaited<ReturnType<typeof measureRender>>[]) {
  const median = (values: number[]) => round(percentile(values, 50));
  const p95s = runs.map((run) => run.commitP95Ms);
  const last = runs.at(-1);
  if (last === undefined) throw new Error('no render run');
  return {
    ...last,
    runs: runs.length,
    commitP50Ms: median(runs.map((run) => run.commitP50Ms)),
    commitP95Ms: median(p95s),
    commitP95SpreadMs: [Math.min(...p95s), Math.max(...p95s)],
    framePaintedP50Ms: median(runs.map((run) => run.framePaintedP50Ms)),
    framePaintedP95Ms: median(runs.map((run) => run.framePaintedP95Ms)),
    firstSnapshotPaintedMs: median(runs.map((run) => run.firstSnapshotPaintedMs)),
  };
}

interface BenchResult {
  readonly quick: boolean;
  readonly mode: Mode;
  readonly seconds: number;
  readonly machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; postgres: string; redis: string };
  readonly eventToSnapshot: Awaited<ReturnType<typeof measureEventToScreen>>['eventToSnapshot'];
  readonly eventToSnapshotWithoutScan: Awaited<ReturnType<typeof measureEventToScreen>>['eventToSnapshot'];
  readonly pollOnlyToSnapshot: Awaited<ReturnType<typeof measureEventToScreen>>['pollOnlyToSnapshot'];
  readonly poll: Awaited<ReturnType<typeof measurePollCost>>;
  readonly export: Awaited<ReturnType<typeof measureExport>>;
  readonly idle: {
    cpuPctAt5s: number;
    cpuPctAt1s: number;
    rssMb: number;
    rssGrowthMb: number;
    heapGrowthMb: number;
    polls: number;
  };
  readonly render: ReturnType<typeof medianRender>;
  readonly startup: ReturnType<typeof measureStartup>;
  readonly agentScan: Awaited<ReturnType<typeof measureAgentScan>>;
  readonly windowsSpawns: Awaited<ReturnType<typeof measureWindowsSpawns>>;
  readonly demo: Awaited<ReturnType<typeof measureDemo>>;
  readonly desktop: DesktopPaint;
}

interface Row {
  readonly metric: string;
  readonly p50: string;
  readonly p99: string;
  readonly floor: string;
  readonly ratio: string;
  readonly target: string;
  readonly met: string;
}

function table(result: BenchResult, largestP50: number): string {
  const {
    eventToSnapshot: event,
    pollOnlyToSnapshot: pollOnly,
    poll,
    idle,
    render,
    startup,
    export: exports,
    agentScan: scan,
    windowsSpawns: windows,
    demo,
  } = result;
  const phases = startup.statusPhases;
  const desktop = result.desktop;
  const rows: Row[] = [
    {
      metric: 'event to screen (ms)',
      p50: String(event.p50Ms),
      p99: String(event.p99Ms),
      floor: `${String(event.floorP50Ms)} / ${String(event.floorP99Ms)}`,
      ratio: String(round(event.p99Ms / event.floorP99Ms, 1)),
      target: 'p99 <= 5x floor',
      met: event.p99Ms <= 5 * event.floorP99Ms ? 'yes' : 'NO',
    },
    {
      metric: 'event to screen, not looking for processes (ms)',
      p50: String(result.eventToSnapshotWithoutScan.p50Ms),
      p99: String(result.eventToSnapshotWithoutScan.p99Ms),
      floor: `${String(result.eventToSnapshotWithoutScan.floorP50Ms)} / ${String(result.eventToSnapshotWithoutScan.floorP99Ms)}`,
      ratio: String(round(result.eventToSnapshotWithoutScan.p99Ms / result.eventToSnapshotWithoutScan.floorP99Ms, 1)),
      target: '',
      met: '',
    },
    {
      metric: 'change to screen, poll only (ms)',
      p50: String(pollOnly.p50Ms),
      p99: String(pollOnly.p99Ms),
      floor: '',
      ratio: '',
      target: '(the seed)',
      met: '',
    },
    ...poll.sizes.flatMap((size) =>
      (
        [
          ['no change', size.p50Ms, size.p99Ms],
          ['a running session updated', size.changedP50Ms, size.changedP99Ms],
          ['a session started', size.startedP50Ms, size.startedP99Ms],
          ['a session ended', size.endedP50Ms, size.endedP99Ms],
        ] as const
      ).map(([change, p50, p99]) => ({
        metric: `poll, ${size.rows.toLocaleString('en')} rows, ${size.density}, ${change} (ms)`,
        p50: String(p50),
        p99: String(p99),
        floor: String(size.floorP50Ms),
        ratio: String(round(p50 / size.floorP50Ms, 1)),
        target: change === 'a running session updated' ? '<= 20x' : '',
        met: change === 'a running session updated' ? (p50 <= 20 * size.floorP50Ms ? 'yes' : 'NO') : '',
      })),
    ),
    {
      metric: 'poll at the largest size, no change, vs SELECT 1',
      p50: String(largestP50),
      p99: '',
      floor: String(poll.floorP50Ms),
      ratio: String(round(largestP50 / poll.floorP50Ms, 1)),
      target: 'p50 <= 10x floor',
      met: largestP50 <= 10 * poll.floorP50Ms ? 'yes' : 'NO',
    },
    {
      metric: 'poll, largest / 10k, constant density',
      p50: '',
      p99: '',
      floor: '',
      ratio: String(poll.ratioLargestTo10k),
      target: '<= 1.5',
      met: (poll.ratioLargestTo10k ?? Infinity) <= 1.5 ? 'yes' : 'NO',
    },
    {
      metric: 'poll after a change, largest / 10k, constant density',
      p50: '',
      p99: '',
      floor: '',
      ratio: String(poll.changedRatioLargestTo10k),
      target: '<= 1.5',
      met: (poll.changedRatioLargestTo10k ?? Infinity) <= 1.5 ? 'yes' : 'NO',
    },
    ...exports.map((size) => ({
      metric: `export, ${size.rows.toLocaleString('en')} rows as CSV (heap growth MB, live / peak)`,
      p50: String(size.liveHeapGrowthMb),
      p99: String(size.peakHeapGrowthMb),
      floor: '',
      ratio: `${size.rowsPerSecond.toLocaleString('en')} rows/s`,
      target: 'flat',
      met: '',
    })),
    {
      metric: 'serve at rest, 5 s poll (% of a core)',
      p50: String(idle.cpuPctAt5s),
      p99: '',
      floor: '',
      ratio: '',
      target: '< 0.5',
      met: idle.cpuPctAt5s < 0.5 ? 'yes' : 'NO',
    },
    {
      metric: 'serve at rest, 1 s poll (% of a core)',
      p50: String(idle.cpuPctAt1s),
      p99: '',
      floor: '',
      ratio: '',
      target: '',
      met: '',
    },
    { metric: 'serve RSS at rest (MB)', p50: String(idle.rssMb), p99: '', floor: '', ratio: '', target: '', met: '' },
    {
      metric: `heap growth over ${String(idle.polls)} polls (MB)`,
      p50: String(idle.heapGrowthMb),
      p99: '',
      floor: '',
      ratio: `RSS ${String(idle.rssGrowthMb)}`,
      target: 'flat (< 1 MB)',
      met: idle.heapGrowthMb < 1 ? 'yes' : 'NO',
    },
    {
      metric: `agent scan, measuring ${String(scan.agents)} agents (ms)`,
      p50: String(scan.measuringP50Ms),
      p99: String(scan.measuringP99Ms),
      floor: String(scan.floorListingP50Ms),
      ratio: String(round(scan.measuringP50Ms / scan.floorListingP50Ms, 2)),
      target: 'p50 < a ps listing',
      met: scan.measuringP50Ms < scan.floorListingP50Ms ? 'yes' : 'NO',
    },
    {
      metric: `agent scan, listing and measuring (ms), ${String(scan.found)} found`,
      p50: String(scan.listingP50Ms),
      p99: String(scan.listingP99Ms),
      floor: String(scan.floorListingP50Ms),
      ratio: String(round(scan.listingP50Ms / scan.floorListingP50Ms, 2)),
      target: `found ${String(scan.agents)}`,
      met: scan.found === scan.agents ? 'yes' : 'NO',
    },
    {
      metric: `agent listing, warm (a running monitor's, every 6th poll) (ms), ${String(scan.agents)} agents`,
      p50: String(scan.warmListingP50Ms),
      p99: String(scan.warmListingP99Ms),
      floor: `ps: ${String(scan.floorListingP50Ms)}`,
      ratio: String(round(scan.warmListingP50Ms / scan.floorListingP50Ms, 2)),
      target: '<= 2x ps',
      met: scan.warmListingP50Ms <= 2 * scan.floorListingP50Ms ? 'yes' : 'NO',
    },
    {
      metric:
        'agent listing: longest hold of the event loop in a cold listing (ms); programs started a poll, a listing',
      p50: String(scan.coldListingLoopHeldP50Ms),
      p99: '',
      floor: '',
      ratio: `${String(scan.spawnsPerPoll)}, ${String(scan.spawnsPerListing)}`,
      target: '',
      met: '',
    },
    {
      metric: `Windows path, replayed: spawns per poll, ${String(windows.agents)} agents and their registry pids, ${String(windows.polls)} polls (mean, max)`,
      p50: String(windows.after.spawnsPerPoll),
      p99: String(windows.after.maxPerPoll),
      floor: `before: ${String(windows.before.spawnsPerPoll)}, max ${String(windows.before.maxPerPoll)}`,
      ratio: `${String(windows.after.starts)} started in all; ${String(windows.afterPollP50Ms)} ms a poll here`,
      target: 'one program, kept',
      met: windows.after.starts <= 1 ? 'yes' : 'NO',
    },
    {
      metric: 'serve --demo: launch to first snapshot (ms), median (spread)',
      p50: `${String(demo.firstSnapshotMs)} (${demo.firstSnapshotSpreadMs.join('–')})`,
      p99: '',
      floor: '',
      ratio: '',
      target: '<= 3000',
      met: demo.firstSnapshotMs <= 3000 ? 'yes' : 'NO',
    },
    {
      metric: 'serve --demo: resident memory (MB), CPU at rest (%)',
      p50: String(demo.rssMb),
      p99: '',
      floor: '',
      ratio: `${String(demo.cpuPct)} %`,
      target: '',
      met: '',
    },
    {
      metric: `render, one agent changes (ms), median of ${String(render.runs)} runs`,
      p50: String(render.commitP50Ms),
      p99: `p95 ${String(render.commitP95Ms)} (${render.commitP95SpreadMs.join('–')})`,
      floor: '',
      ratio: '',
      target: 'p95 < 16',
      met: render.commitP95Ms < 16 ? 'yes' : 'NO',
    },
    {
      metric: `render, one agent changes: to its frame painted (ms), median of ${String(render.runs)} runs`,
      p50: String(render.framePaintedP50Ms),
      p99: `p95 ${String(render.framePaintedP95Ms)}`,
      floor: '',
      ratio: '',
      target: '',
      met: '',
    },
    {
      metric: 'dashboard from serve: navigation to first snapshot painted (ms)',
      p50: String(render.firstSnapshotPaintedMs),
      p99: '',
      floor: '',
      ratio: '',
      target: '',
      met: '',
    },
    'skipped' in desktop
      ? {
          metric: `desktop window (harness): not measured, ${desktop.skipped}`,
          p50: '',
          p99: '',
          floor: '',
          ratio: '',
          target: '',
          met: '',
        }
      : {
          metric: `desktop window (harness), --demo, new user data: launch to first snapshot painted (ms), median of ${String(desktop.runs)}`,
          p50: String(desktop.launchToPaintMs),
          p99: '',
          floor: '',
          ratio: `navigation to paint ${String(desktop.navigationToPaintMs)}`,
          target: '',
          met: '',
        },
    {
      metric: 'dashboard bundle: first script, all scripts (kB, gzip)',
      p50: `${String(startup.bundle.firstKb)} (${String(startup.bundle.firstGzipKb)})`,
      p99: `${String(startup.bundle.allKb)} (${String(startup.bundle.allGzipKb)})`,
      floor: '',
      ratio: '',
      target: 'minified, charts apart',
      met: '',
    },
    {
      metric: 'compiled cli --help, whole process (ms)',
      p50: String(startup.compiledHelpMs),
      p99: '',
      floor: `node -e 0: ${String(startup.nodeMs)}`,
      ratio: String(round(startup.compiledHelpMs / startup.nodeMs, 1)),
      target: '<= 3x',
      met: startup.compiledHelpMs <= 3 * startup.nodeMs ? 'yes' : 'NO',
    },
    {
      metric: 'compiled cli status against PostgreSQL (ms)',
      p50: String(startup.compiledStatusMs),
      p99: '',
      floor: `node -e 0: ${String(startup.nodeMs)}`,
      ratio: String(round(startup.compiledStatusMs / startup.nodeMs, 1)),
      target: '<= 3x',
      met: startup.compiledStatusMs <= 3 * startup.nodeMs ? 'yes' : 'NO',
    },
    {
      metric: `compiled cli status --cpu-window (waits ${String(startup.flagCpuWindowMs)} ms from its start) (ms)`,
      p50: String(startup.compiledStatusCpuWindowMs),
      p99: '',
      floor: `node -e 0: ${String(startup.nodeMs)}`,
      ratio: String(round(startup.compiledStatusCpuWindowMs / startup.nodeMs, 1)),
      target: '',
      met: '',
    },
    {
      metric: 'status phases (ms): start-up, connecting, reading, closing, exiting, teardown',
      p50: [
        phases.startUpMs,
        phases.connectingMs,
        phases.readingMs,
        phases.closingMs,
        phases.exitingMs,
        phases.teardownMs,
      ]
        .map(String)
        .join(', '),
      p99: '',
      floor: `psql: ${String(startup.psqlMs)}; a bare Node's teardown: ${String(phases.bareTeardownMs)}`,
      ratio: '',
      target: 'closing, exiting < 10',
      met: phases.closingMs < 10 && phases.exitingMs < 10 ? 'yes' : 'NO',
    },
    {
      metric: 'npm run cli -- status against PostgreSQL (ms)',
      p50: String(startup.npmStatusMs),
      p99: '',
      floor: `node -e 0: ${String(startup.nodeMs)}; npm run cli -- --help: ${String(startup.npmHelpMs)}`,
      ratio: String(round(startup.npmStatusMs / startup.nodeMs, 1)),
      target: '<= 6x',
      met: startup.npmStatusMs <= 6 * startup.nodeMs ? 'yes' : 'NO',
    },
    {
      metric: 'status --demo, whole process (ms)',
      p50: String(startup.demoStatusMs),
      p99: '',
      floor: '',
      ratio: '',
      target: '<= 2000',
      met: startup.demoStatusMs <= 2000 ? 'yes' : 'NO',
    },
    {
      metric: 'render, rows redrawn per update',
      p50: String(render.componentsRerendered),
      p99: '',
      floor: '',
      ratio: '',
      target: '1 (the changed row)',
      met: render.componentsRerendered <= 1 ? 'yes' : 'NO',
    },
  ];
  const columns: ReadonlyArray<keyof Row> = ['metric', 'p50', 'p99', 'floor', 'ratio', 'target', 'met'];
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  const machine = result.machine;
  return [
    `Delegator Monitor benchmark (${result.mode}, ${String(result.seconds)} s) on ${String(machine.cpus)} x ${machine.cpuModel}, ${String(machine.memoryGb)} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}`,
    line(columns),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map((column) => row[column]))),
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
