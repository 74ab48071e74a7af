import { describe, expect, it } from 'vitest';
import { cpuLoadOf, cpuPercentBetween, sumCpuTimes } from '../../src/main/core/cpu';

const core = (user: number, idle: number) => ({ times: { user, nice: 0, sys: 0, idle, irq: 0 } });

describe('CPU utilisation', () => {
  it('is the busy share of all cores between two samples', () => {
    const before = sumCpuTimes([core(100, 900), core(100, 900)]);
    const after = sumCpuTimes([core(400, 1600), core(100, 1900)]);
    expect(cpuPercentBetween(before, after)).toBe(15);
  });

  it('is unknown when no time passed', () => {
    const same = sumCpuTimes([core(1, 1)]);
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
