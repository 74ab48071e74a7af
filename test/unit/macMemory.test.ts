import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  availableFromVmStat,
  pressureFromSysctl,
  readMacMemory,
  swapUsedFromSysctl,
} from '../../src/main/sources/machine/macMemory';

const FIXTURES = join(import.meta.dirname, '../fixtures/platform');
/** A fixture's text without its `#` header (its source and machine). */
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8').replace(/^(?:#.*\n)+/, '');
const MIB = 1024 ** 2;

const APPLE_SILICON = fixture('vm_stat-apple-silicon-32gb.txt');
const INTEL = fixture('vm_stat-intel-16gb.txt');
/** Published: a 16 GiB Apple Silicon Mac swapping hard. */
const SWAPPING = fixture('vm_stat-apple-silicon-16gb-swapping.txt');
/** Published: a Mac with 4 KiB pages, not swapping. */
const NOT_SWAPPING = fixture('vm_stat-mac-4k-noswap.txt');

/** One count from a vm_stat output, by its label. */
const count = (text: string, label: string): number =>
  Number(new RegExp(`^${label}:\\s+(\\d+)\\.`, 'm').exec(text)?.[1]);

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
  it('counts free pages and cached files on a swapping Mac, not the anonymous pages on the inactive queue', () => {
    const available = availableFromVmStat(SWAPPING);
    // Free + file-backed + purgeable: what macOS hands over without swapping more.
    expect(available).toBe((4229 + 133056 + 24) * 16384);
    // Every inactive page counted said 3.1 GB: 0.9 GB more, anonymous memory that
    // comes back only by compressing or swapping still more.
    const everyInactive = (4229 + 184925 + 24 + 681) * 16384;
    expect(everyInactive - (available ?? 0)).toBeGreaterThan(0.8e9);
    expect(available).toBeLessThan(2.3e9);
  });

  it('counts speculative pages once: file-backed and anonymous pages are the active, inactive and speculative ones', () => {
    for (const text of [SWAPPING, NOT_SWAPPING]) {
      expect(count(text, 'File-backed pages') + count(text, 'Anonymous pages')).toBe(
        count(text, 'Pages active') + count(text, 'Pages inactive') + count(text, 'Pages speculative'),
      );
    }
    expect(availableFromVmStat(NOT_SWAPPING)).toBe((6127229 + 1080348 + 11820) * 4096);
  });

  it('counts free, file-backed and purgeable pages on a 32 GB Apple Silicon Mac', () => {
    const available = availableFromVmStat(APPLE_SILICON);
    expect(available).toBe((55012 + 760214 + 30418) * 16384);
    // os.freemem() would say 0.9 GB (free pages only); what can be had is far more.
    expect(available).toBeGreaterThan(13e9);
    expect(available).toBeLessThan(15e9);
  });

  it('reads the page size from the first line (4096 bytes on an Intel Mac)', () => {
    expect(availableFromVmStat(INTEL)).toBe((120384 + 1301870 + 60291) * 4096);
  });

  it.each(['Pages purgeable', 'File-backed pages', 'Pages free'])('is unknown when %s is missing', (label) => {
    expect(availableFromVmStat(APPLE_SILICON.replace(new RegExp(`^${label}:.*\\n`, 'm'), ''))).toBeNull();
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
    const text =
      'Mach Virtual Memory Statistics: (page size of 4096 bytes)\nPages free: 1.\nPages purged: 1000.\nPages purgeable: 3.\nFile-backed pages: 4.\n';
    expect(availableFromVmStat(text)).toBe(8 * 4096);
  });
});

describe('swap in use from sysctl', () => {
  it('reads the published vm.swapusage line', () => {
    expect(swapUsedFromSysctl(fixture('sysctl-vm.swapusage.txt'))).toBe(2.5 * MIB);
  });

  it('reads what sysctl -n prints', () => {
    expect(swapUsedFromSysctl('total = 2048.00M  used = 1069.25M  free = 978.75M  (encrypted)\n')).toBe(1069.25 * MIB);
    expect(swapUsedFromSysctl('total = 0.00M  used = 0.00M  free = 0.00M  \n')).toBe(0);
  });

  it.each(['', 'sysctl: unknown oid', 'total = 1024.00M', 'used = lots'])('%j is unknown', (text) => {
    expect(swapUsedFromSysctl(text)).toBeNull();
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
  it('runs vm_stat and the two sysctls, each bounded by a timeout', async () => {
    const run = (file: string, args: readonly string[]): Promise<string> =>
      Promise.resolve(
        file === '/usr/bin/vm_stat'
          ? SWAPPING
          : args.includes('vm.swapusage')
            ? 'total = 3072.00M  used = 2890.50M  free = 181.50M  (encrypted)\n'
            : '2\n',
      );
    const calls: Call[] = [];
    const recorded = (file: string, args: readonly string[], { timeoutMs }: { timeoutMs: number }): Promise<string> => {
      calls.push({ file, args, timeoutMs });
      return run(file, args);
    };
    await expect(readMacMemory(recorded)).resolves.toEqual({
      availableBytes: (4229 + 133056 + 24) * 16384,
      pressure: 'warn',
      swapUsedBytes: 2890.5 * MIB,
    });
    expect(calls).toEqual([
      { file: '/usr/bin/vm_stat', args: [], timeoutMs: 2000 },
      { file: '/usr/sbin/sysctl', args: ['-n', 'kern.memorystatus_vm_pressure_level'], timeoutMs: 2000 },
      { file: '/usr/sbin/sysctl', args: ['-n', 'vm.swapusage'], timeoutMs: 2000 },
    ]);
  });

  it('says unknown when vm_stat fails, and still reads the pressure', async () => {
    const { run } = fakeRun({ '/usr/bin/vm_stat': new Error('timed out'), '/usr/sbin/sysctl': '1\n' });
    await expect(readMacMemory(run)).resolves.toMatchObject({ availableBytes: null, pressure: 'normal' });
  });

  it('never rejects, even when the runner throws outright', async () => {
    const run = (): Promise<string> => {
      throw new Error('spawn failed');
    };
    await expect(readMacMemory(run)).resolves.toEqual({ availableBytes: null, pressure: null, swapUsedBytes: null });
  });
});
