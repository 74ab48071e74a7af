import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableFromVmStat, pressureFromSysctl, readMacMemory } from '../../src/main/sources/macMemory';

const FIXTURES = join(import.meta.dirname, '../fixtures/platform');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

const APPLE_SILICON = fixture('vm_stat-apple-silicon-32gb.txt');
const INTEL = fixture('vm_stat-intel-16gb.txt');

interface Call {
  readonly file: string;
  readonly args: readonly string[];
  readonly timeoutMs: number;
}

/** A stand-in for execFile that answers by program and records each call. */
function fakeRun(outputs: Record<string, string | Error>) {
  const calls: Call[] = [];
  const run = (file: string, args: readonly string[], { timeoutMs }: { timeoutMs: number }): Promise<string> => {
    calls.push({ file, args, timeoutMs });
    const output = outputs[file];
    if (output === undefined) return Promise.reject(new Error(`no such program: ${file}`));
    return output instanceof Error ? Promise.reject(output) : Promise.resolve(output);
  };
  return { run, calls };
}

describe('available memory from vm_stat', () => {
  it('counts free, inactive, purgeable and speculative pages on a 32 GB Apple Silicon Mac', () => {
    const available = availableFromVmStat(APPLE_SILICON);
    expect(available).toBe((55012 + 851377 + 30418 + 11893) * 16384);
    // os.freemem() would say 0.9 GB (free pages only); what can be had is far more.
    expect(available).toBeGreaterThan(14e9);
    expect(available).toBeLessThan(20e9);
  });

  it('reads the page size from the first line (4096 bytes on an Intel Mac)', () => {
    expect(availableFromVmStat(INTEL)).toBe((120384 + 1451207 + 60291 + 40113) * 4096);
  });

  it('is unknown when a queue it needs is missing', () => {
    const withoutPurgeable = APPLE_SILICON.replace(/^Pages purgeable:.*\n/m, '');
    expect(availableFromVmStat(withoutPurgeable)).toBeNull();
  });

  it('is unknown without the page size', () => {
    expect(availableFromVmStat(APPLE_SILICON.replace(/^Mach Virtual.*\n/, ''))).toBeNull();
  });

  it('is unknown for empty or foreign output', () => {
    expect(availableFromVmStat('')).toBeNull();
    expect(availableFromVmStat('vm_stat: command not found\n')).toBeNull();
  });

  it('is not misled by lines that merely start alike', () => {
    // "Pages purged" and "Pages reactivated" are counters, not queues.
    const text = 'Mach Virtual Memory Statistics: (page size of 4096 bytes)\nPages free: 1.\nPages inactive: 2.\nPages purged: 1000.\nPages purgeable: 3.\nPages speculative: 4.\n';
    expect(availableFromVmStat(text)).toBe(10 * 4096);
  });
});

describe('memory pressure from sysctl', () => {
  it.each([
    ['sysctl-pressure-1.txt', 'normal'],
    ['sysctl-pressure-2.txt', 'warn'],
    ['sysctl-pressure-4.txt', 'critical'],
  ] as const)('%s is %s', (name, level) => {
    expect(pressureFromSysctl(fixture(name))).toBe(level);
  });

  it.each(['0', '3', '8', '', 'sysctl: unknown oid', '1 2'])('%j is no level', (text) => {
    expect(pressureFromSysctl(text)).toBeNull();
  });
});

describe('readMacMemory', () => {
  it('runs vm_stat and sysctl, each bounded by a timeout', async () => {
    const { run, calls } = fakeRun({ '/usr/bin/vm_stat': APPLE_SILICON, '/usr/sbin/sysctl': fixture('sysctl-pressure-2.txt') });
    await expect(readMacMemory(run)).resolves.toEqual({ availableBytes: 948700 * 16384, pressure: 'warn' });
    expect(calls).toEqual([
      { file: '/usr/bin/vm_stat', args: [], timeoutMs: 2000 },
      { file: '/usr/sbin/sysctl', args: ['-n', 'kern.memorystatus_vm_pressure_level'], timeoutMs: 2000 },
    ]);
  });

  it('says unknown when vm_stat fails, and still reads the pressure', async () => {
    const { run } = fakeRun({ '/usr/bin/vm_stat': new Error('timed out'), '/usr/sbin/sysctl': '1\n' });
    await expect(readMacMemory(run)).resolves.toEqual({ availableBytes: null, pressure: 'normal' });
  });

  it('never rejects, even when the runner throws outright', async () => {
    const run = (): Promise<string> => {
      throw new Error('spawn failed');
    };
    await expect(readMacMemory(run)).resolves.toEqual({ availableBytes: null, pressure: null });
  });
});
