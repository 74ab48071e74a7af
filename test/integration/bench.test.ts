import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';

const ROOT = new URL('../..', import.meta.url).pathname;
const missing = chromiumMissing();
if (missing) console.warn(`Skipping the benchmark's smoke run: ${missing}`);

/** The benchmark asserts no timing; this only checks that its smallest run completes and reports every figure. */
describe.skipIf(missing !== null)('npm run bench', () => {
  it('completes its smallest run and prints every key', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'bench', '--', '--smoke', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('close', (exit) => {
        resolve({ code: exit, stdout: out, stderr: err });
      });
    });
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['quick', 'machine', 'eventToSnapshot', 'pollOnlyToSnapshot', 'poll', 'idle', 'render']));
    expect(Object.keys(result.machine ?? {})).toEqual(expect.arrayContaining(['cpus', 'node', 'postgres', 'redis']));
    expect(Object.keys(result.eventToSnapshot ?? {})).toEqual(expect.arrayContaining(['p50Ms', 'p99Ms', 'floorP50Ms', 'floorP99Ms', 'samples']));
    expect(Object.keys(result.pollOnlyToSnapshot ?? {})).toEqual(expect.arrayContaining(['p50Ms', 'p99Ms']));
    expect(Object.keys(result.poll ?? {})).toEqual(expect.arrayContaining(['floorP50Ms', 'sizes', 'ratioLargestTo10k']));
    expect(result.poll?.sizes).toEqual(expect.arrayContaining([expect.objectContaining({ rows: 10_000, density: 'constant', p50Ms: expect.any(Number), p99Ms: expect.any(Number) })]));
    expect(Object.keys(result.idle ?? {})).toEqual(expect.arrayContaining(['cpuPctAt5s', 'cpuPctAt1s', 'rssMb', 'rssGrowthMb']));
    expect(Object.keys(result.render ?? {})).toEqual(expect.arrayContaining(['commitP95Ms', 'framePaintedP95Ms', 'componentsRerendered']));
    expect(result.agentScan).toMatchObject({ agents: 2, found: 2, measuringP50Ms: expect.any(Number), listingP50Ms: expect.any(Number), floorListingP50Ms: expect.any(Number) });
    expect(result.demo).toMatchObject({ firstSnapshotMs: expect.any(Number), rssMb: expect.any(Number) });
    expect(result.startup).toMatchObject({ nodeMs: expect.any(Number), compiledStatusMs: expect.any(Number), npmHelpMs: expect.any(Number), cpuWindowMs: 250 });
    // The desktop window through the harness, or why it could not be measured.
    const desktop = result.desktop ?? {};
    if ('skipped' in desktop) expect(desktop.skipped).toMatch(/npm run build|Chromium/);
    else expect(desktop).toMatchObject({ runs: 1, navigationToPaintMs: expect.any(Number), launchToPaintMs: expect.any(Number), launches: [expect.any(Object)] });
    const phases = result.startup?.statusPhases ?? {};
    expect(Object.keys(phases).sort()).toEqual(['bareTeardownMs', 'closingMs', 'connectingMs', 'exitingMs', 'readingMs', 'startUpMs', 'teardownMs', 'wallMs']);
    expect(Object.values(phases).every((ms) => typeof ms === 'number' && ms >= 0)).toBe(true);
  }, 180_000);
});
