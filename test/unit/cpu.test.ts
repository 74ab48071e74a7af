import { describe, expect, it } from 'vitest';
import { cpuLoadOf, cpuPercentBetween, cpuTickMs, shortestCpuWindowMs, sumCpuTimes } from '../../src/main/core/cpu';

const core = (user: number, idle: number) => ({ times: { user, nice: 0, sys: 0, idle, irq: 0 } });

describe('CPU utilisation', () => {
  it('is the busy share of all cores between two samples', () => {
    const before = sumCpuTimes([core(100, 900), core(100, 900)], 'linux');
    const after = sumCpuTimes([core(400, 1600), core(100, 1900)], 'linux');
    expect(cpuPercentBetween(before, after)).toBe(15);
  });

  it('counts interrupt time on Linux and macOS, where libuv reports it apart from sys', () => {
    const cores = [{ times: { user: 100, nice: 10, sys: 50, idle: 800, irq: 40 } }];
    expect(sumCpuTimes(cores, 'linux')).toEqual({ busy: 200, idle: 800 });
    expect(sumCpuTimes(cores, 'darwin')).toEqual({ busy: 200, idle: 800 });
  });

  it("leaves interrupt time out on Windows, where libuv's sys already holds it", () => {
    const cores = [{ times: { user: 100, nice: 0, sys: 90, idle: 800, irq: 40 } }];
    expect(sumCpuTimes(cores, 'win32')).toEqual({ busy: 190, idle: 800 });
    // Counted twice, a Windows machine busy with interrupts would read busier than it is.
    const before = sumCpuTimes([{ times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } }], 'win32');
    const after = sumCpuTimes([{ times: { user: 0, nice: 0, sys: 300, idle: 700, irq: 200 } }], 'win32');
    expect(cpuPercentBetween(before, after)).toBe(30);
  });

  it('leaves out busy time the caller spent itself, never below idle', () => {
    const before = sumCpuTimes([core(0, 0), core(0, 0)], 'linux');
    const after = sumCpuTimes([core(300, 700), core(100, 900)], 'linux');
    expect(cpuPercentBetween(before, after, 200)).toBe(10);
    // Clock ticks can put the process's own time above the machine's by a tick.
    expect(cpuPercentBetween(before, after, 410)).toBe(0);
  });

  it('is unknown when no time passed', () => {
    const same = sumCpuTimes([core(1, 1)], 'linux');
    expect(cpuPercentBetween(same, same)).toBeNull();
  });

  it.each([
    [0, 'idle'],
    [9.9, 'idle'],
    [10, 'low'],
    [39.9, 'low'],
    [40, 'medium'],
    [75, 'high'],
    [100, 'high'],
  ] as const)('%d%% is %s', (percent, load) => {
    expect(cpuLoadOf(percent)).toBe(load);
  });
});

describe('the shortest CPU window that says something', () => {
  it("counts in the platform's ticks: 10 ms on Linux and macOS, 15.625 ms on Windows", () => {
    expect(cpuTickMs('linux')).toBe(10);
    expect(cpuTickMs('darwin')).toBe(10);
    expect(cpuTickMs('win32')).toBe(15.625);
  });

  it.each([
    [1, 10, 200],
    [2, 10, 100],
    [4, 10, 50],
    [8, 10, 25],
    [10, 10, 20],
    [64, 10, 20],
    [2, 15.625, 157],
  ] as const)('on %d cores with %d ms ticks is %d ms', (cores, tickMs, shortest) => {
    expect(shortestCpuWindowMs(cores, tickMs)).toBe(shortest);
  });

  it('holds 20 ticks in all, so one tick moves the share by at most 5 points, and two on each core', () => {
    for (const cores of [1, 2, 3, 4, 6, 8, 12, 16, 32]) {
      const ms = shortestCpuWindowMs(cores, 10);
      // One tick over the window's whole core time: 10/(W·n)·100 points.
      expect((10 / (ms * cores)) * 100).toBeLessThanOrEqual(5);
      expect(ms / 10).toBeGreaterThanOrEqual(2);
    }
  });

  it('is never reached where the platform lists no cores', () => {
    expect(shortestCpuWindowMs(0, 10)).toBe(Number.POSITIVE_INFINITY);
  });
});
