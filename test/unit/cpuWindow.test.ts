import { afterEach, describe, expect, it, vi } from 'vitest';
import { cpuWindowNote, cpuWindowTimings, windowSeconds } from '../../src/main/cli/cpuWindow';
import { parseStatus } from '../../src/main/cli/statusArgs';
import { SystemProbe, type MachineInfo } from '../../src/main/sources/machine/systemProbe';
import { expectUsageError, runCliInProcess } from '../support/cliInProcess';

const GIB = 1024 ** 3;

/** Two cores whose counters read the same each time: what is measured here is the window, not the load. */
const twoCores: MachineInfo = {
  cpus: () => [0, 1].map(() => ({ model: 'test', speed: 1, times: { user: 100, nice: 0, sys: 0, idle: 900, irq: 0 } })),
  totalmem: () => 32 * GIB,
  freemem: () => 8 * GIB,
};

/** A probe on two cores whose window starts at `from` (ms) by a clock that reads `now()`. */
function probeFrom(from: number, now: () => number): SystemProbe {
  return new SystemProbe({
    platform: 'linux',
    machine: twoCores,
    clock: now,
    gpu: null,
    unifiedMemory: false,
    constrainedMemory: () => 0,
    procRoot: '/nonexistent-procfs',
    sysfsRoot: '/nonexistent-sysfs',
    cpuFrom: { times: { busy: 0, idle: 0 }, at: from, ownMs: 0 },
    ownCpu: () => 0,
  });
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("a look's CPU window", () => {
  it('is what the command ran, never a wait, when the sample asks for no window', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const probe = probeFrom(1000, () => 1140);
    expect(probe.cpuWindow()).toBeNull();
    await probe.sample();
    expect(probe.cpuWindow()).toEqual({ ms: 140, waitedMs: 0, cores: 2 });
    expect(timers).not.toHaveBeenCalled();
  });

  it('waits out what is left of an asked-for window, and says how long it waited', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(1140);
    const probe = probeFrom(1000, () => Date.now());
    const pending = probe.sample(250);
    await vi.advanceTimersByTimeAsync(110);
    await pending;
    expect(probe.cpuWindow()).toEqual({ ms: 250, waitedMs: 110, cores: 2 });
  });

  it.each([
    [140, 2, true],
    [100, 2, true],
    [99, 2, false],
    [40, 2, false],
    [150, 1, false],
    [200, 1, true],
  ] as const)('over %d ms on %d cores is long enough to tell: %s', (ms, cores, enough) => {
    expect(cpuWindowNote({ ms, waitedMs: 0, cores }, 10)).toMatchObject({ windowMs: ms, enough });
  });

  it('is never long enough where the platform lists no cores', () => {
    const note = cpuWindowNote({ ms: 5000, waitedMs: 0, cores: 0 }, 10);
    expect(note.enough).toBe(false);
    expect(cpuWindowTimings(note)).toBe(
      "cpu window: 5000 ms from the command's start to its CPU sample · waited 0 ms · no cores listed",
    );
  });

  it('says its length in seconds cut to a hundredth, never rounded up past what ran', () => {
    expect(windowSeconds(99)).toBe('0.09');
    expect(windowSeconds(140)).toBe('0.14');
    expect(windowSeconds(250)).toBe('0.25');
    expect(windowSeconds(1500)).toBe('1.50');
  });

  it('writes one line for --timings: the window, the wait and what this machine needs', () => {
    expect(cpuWindowTimings(cpuWindowNote({ ms: 262.4, waitedMs: 117.6, cores: 2 }, 10))).toBe(
      "cpu window: 262 ms from the command's start to its CPU sample · waited 118 ms · 100 ms needed on 2 cores",
    );
  });
});

describe('status --cpu-window', () => {
  it.each([
    [['--cpu-window'], 250],
    [['--cpu-window', '--json'], 250],
    [['--json', '--cpu-window'], 250],
    [['--cpu-window', '400'], 400],
    [['--cpu-window=20'], 20],
    [['--cpu-window', '60000', '--timings'], 60_000],
  ])('%j waits for a window of %d ms', (args, ms) => {
    expect(parseStatus(args).cpuWindowMs).toBe(ms);
  });

  it('is in the help, its optional value kept with it where the synopsis wraps', async () => {
    const { out } = await runCliInProcess(['status', '--help']);
    expect(out).toMatch(/^ +\[--cpu-window \[MS\]\]$/m);
    expect(out).toMatch(
      /^ {2}--cpu-window \[MS\] {2,}Wait until the CPU is measured over MS ms \(default 250, 20 to 60000\)$/m,
    );
  });

  it('is absent by default: a look waits for no window', () => {
    expect(parseStatus([]).cpuWindowMs).toBeUndefined();
    expect(parseStatus(['--json', '--timings']).cpuWindowMs).toBeUndefined();
  });

  it.each([
    [['--cpu-window', '0'], '--cpu-window "0": expected whole milliseconds from 20 to 60000'],
    [['--cpu-window', '19'], '--cpu-window "19": expected whole milliseconds from 20 to 60000'],
    [['--cpu-window', '60001'], '--cpu-window "60001": expected whole milliseconds from 20 to 60000'],
    [['--cpu-window', '-5'], '--cpu-window "-5": expected whole milliseconds from 20 to 60000'],
    [['--cpu-window=0.5'], '--cpu-window "0.5": expected whole milliseconds from 20 to 60000'],
    [['--cpu-window', '1s'], '--cpu-window "1s": expected whole milliseconds from 20 to 60000'],
    [['--cpu-window='], '--cpu-window "": expected whole milliseconds from 20 to 60000'],
    [
      ['--watch', '--cpu-window'],
      "--cpu-window is for a single look: with --watch each frame's CPU is measured over the poll before it",
    ],
    [['--cpu-windw'], "Unknown option '--cpu-windw'. Did you mean '--cpu-window'?"],
  ])('%j is a usage error in one line', async (args, reason) => {
    expectUsageError(await runCliInProcess(['status', ...args], { env: { DB_PORT: 'fifty' } }), reason, 'status');
  });
});
