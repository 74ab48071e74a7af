import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { diesWithParent } from '../support/parentDeath';
import { describeLeftovers, stopProcessTree } from '../support/testRun';

const ROOT = new URL('../..', import.meta.url).pathname;
const missing = chromiumMissing();

let bench: ChildProcess | null = null;
let benchTmp: string | null = null;
/** What the benchmark has said on stderr (its progress), to tell where a run that timed out was. */
let progress = '';

// A run that failed or timed out leaves the benchmark's servers, `serve` and agents running: they end with the test.
afterEach(async () => {
  const pid = bench?.pid;
  if (pid !== undefined && bench?.exitCode === null && bench.signalCode === null) {
    const stopped = stopProcessTree(pid);
    if (stopped.length > 0)
      console.warn(
        `The benchmark was still running, at:\n${progress.slice(-2000)}\nKilled:\n${describeLeftovers(stopped)}`,
      );
  }
  bench = null;
  progress = '';
  if (benchTmp !== null) await rm(benchTmp, { recursive: true, force: true });
  benchTmp = null;
});

/**
 * The benchmark asserts no timing; this only checks that its smallest run
 * completes and reports every figure. It looks at every process on the
 * machine, as a user's monitor does, so it must read whatever they are called.
 */
describe.skipIf(missing !== null)('npm run bench', () => {
  it('completes its smallest run and prints every key', async () => {
    // Its temporary files (serve's data folders among them) in a folder of the test's, removed after it.
    benchTmp = await mkdtemp(join(tmpdir(), 'bench-'));
    const tmp = benchTmp;
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        // npm passes SIGTERM on to the benchmark, whose servers and commands end with it.
        const command = diesWithParent('npm', ['run', '--silent', 'bench', '--', '--smoke', '--json'], 'SIGTERM');
        const child = spawn(command.file, command.args, {
          cwd: ROOT,
          env: { ...process.env, TMPDIR: tmp },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        bench = child;
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => {
          err += chunk.toString();
          progress = err;
        });
        child.on('close', (exit) => {
          resolve({ code: exit, stdout: out, stderr: err });
        });
      },
    );
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['quick', 'machine', 'eventToSnapshot', 'pollOnlyToSnapshot', 'poll', 'idle', 'render']),
    );
    expect(Object.keys(result.machine ?? {})).toEqual(expect.arrayContaining(['cpus', 'node', 'postgres', 'redis']));
    expect(Object.keys(result.eventToSnapshot ?? {})).toEqual(
      expect.arrayContaining(['p50Ms', 'p99Ms', 'floorP50Ms', 'floorP99Ms', 'samples']),
    );
    expect(Object.keys(result.eventToSnapshotWithoutScan ?? {})).toEqual(
      expect.arrayContaining(['p50Ms', 'p99Ms', 'floorP50Ms', 'floorP99Ms', 'samples']),
    );
    expect(Object.keys(result.pollOnlyToSnapshot ?? {})).toEqual(expect.arrayContaining(['p50Ms', 'p99Ms']));
    expect(Object.keys(result.poll ?? {})).toEqual(
      expect.arrayContaining(['floorP50Ms', 'sizes', 'ratioLargestTo10k']),
    );
    expect(result.poll?.sizes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rows: 10_000,
          density: 'constant',
          p50Ms: expect.any(Number),
          p99Ms: expect.any(Number),
        }),
      ]),
    );
    expect(Object.keys(result.idle ?? {})).toEqual(
      expect.arrayContaining(['cpuPctAt5s', 'cpuPctAt1s', 'rssMb', 'rssGrowthMb']),
    );
    expect(Object.keys(result.render ?? {})).toEqual(
      expect.arrayContaining(['commitP95Ms', 'framePaintedP95Ms', 'componentsRerendered']),
    );
    expect(result.agentScan).toMatchObject({
      agents: 2,
      measuringP50Ms: expect.any(Number),
      listingP50Ms: expect.any(Number),
      floorListingP50Ms: expect.any(Number),
    });
    // Its own two agents; another benchmark running on the machine at the same time has two more of the same names.
    expect(result.agentScan?.found).toBeGreaterThanOrEqual(2);
    expect(result.demo).toMatchObject({ firstSnapshotMs: expect.any(Number), rssMb: expect.any(Number) });
    expect(result.startup).toMatchObject({
      nodeMs: expect.any(Number),
      compiledStatusMs: expect.any(Number),
      npmHelpMs: expect.any(Number),
      cpuWindowMs: 0,
      compiledStatusCpuWindowMs: expect.any(Number),
    });
    // The desktop window through the harness, or why it could not be measured.
    const desktop = result.desktop ?? {};
    if ('skipped' in desktop) expect(desktop.skipped).toMatch(/npm run build|Chromium/);
    else
      expect(desktop).toMatchObject({
        runs: 1,
        navigationToPaintMs: expect.any(Number),
        launchToPaintMs: expect.any(Number),
        launches: [expect.any(Object)],
      });
    const phases = result.startup?.statusPhases ?? {};
    expect(Object.keys(phases).sort()).toEqual([
      'bareTeardownMs',
      'closingMs',
      'connectingMs',
      'exitingMs',
      'readingMs',
      'startUpMs',
      'teardownMs',
      'wallMs',
    ]);
    expect(Object.values(phases).every((ms) => typeof ms === 'number' && ms >= 0)).toBe(true);
  }, 180_000);
});
