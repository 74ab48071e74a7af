import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { GpuMemoryReader } from '../../src/main/sources/gpuMemory';
import { constrainedBelow, detectUnifiedMemory, runCommand, SystemProbe, type MachineInfo, type SystemProbeOptions } from '../../src/main/sources/systemProbe';

const FIXTURES = join(import.meta.dirname, '../fixtures/platform');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

type Times = { user: number; nice: number; sys: number; idle: number; irq: number };

/** A machine whose cores report the given times in turn, with fixed RAM and `os.freemem()`. */
function machine(freemem: number | (() => number), ...samples: Times[]): MachineInfo {
  let index = 0;
  const cpus = () => {
    const times = samples[Math.min(index, samples.length - 1)] ?? { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 };
    index += 1;
    return [{ model: 'test', speed: 1, times }];
  };
  return { cpus, totalmem: () => 32 * GIB, freemem: typeof freemem === 'number' ? () => freemem : freemem };
}

const idleMachine = (freemem: number | (() => number) = 8 * GIB): MachineInfo => machine(freemem, { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 });

/** An exec that answers by program name and records what it ran. */
function fakeExec(outputs: Record<string, string | Error>) {
  const ran: string[] = [];
  const exec = (file: string): Promise<string> => {
    ran.push(file);
    const output = outputs[file] ?? Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    return output instanceof Error ? Promise.reject(output) : Promise.resolve(output);
  };
  return { exec, ran };
}

const MAC_OUTPUTS = { '/usr/bin/vm_stat': fixture('vm_stat-apple-silicon-32gb.txt'), '/usr/sbin/sysctl': fixture('sysctl-pressure-2.txt') };

/** A probe on an idle 32 GB machine with no container limit unless the options say otherwise. */
function probe(options: SystemProbeOptions): SystemProbe {
  return new SystemProbe({ clock: () => 0, constrainedMemory: () => 0, machine: idleMachine(), ...options });
}

describe('SystemProbe on macOS', () => {
  it('reads available memory and pressure from vm_stat and sysctl, not os.freemem()', async () => {
    const { exec, ran } = fakeExec(MAC_OUTPUTS);
    // libuv's free pages only: what made a 32 GB Mac look full.
    const reading = await probe({ platform: 'darwin', arch: 'arm64', machine: idleMachine(0.9e9), exec }).sample();
    expect(reading.freeBytes).toBe(948700 * 16384);
    expect(reading.pressure).toBe('warn');
    expect(reading.unifiedMemory).toBe(true);
    expect(reading.gpu).toBeNull();
    // No GPU reader on a Mac: nvidia-smi is never tried.
    expect(ran.sort()).toEqual(['/usr/bin/vm_stat', '/usr/sbin/sysctl']);
  });

  it('is unknown, not os.freemem(), when vm_stat fails', async () => {
    const { exec } = fakeExec({ '/usr/sbin/sysctl': '4\n' });
    const reading = await probe({ platform: 'darwin', arch: 'arm64', machine: idleMachine(0.9e9), exec }).sample();
    expect(reading.freeBytes).toBeNull();
    expect(reading.pressure).toBe('critical');
  });

  it('is an Intel Mac without unified memory', async () => {
    const { exec } = fakeExec({ ...MAC_OUTPUTS, '/usr/bin/vm_stat': fixture('vm_stat-intel-16gb.txt') });
    const reading = await probe({ platform: 'darwin', arch: 'x64', exec }).sample();
    expect(reading.freeBytes).toBe(1671995 * 4096);
    expect(reading.unifiedMemory).toBe(false);
  });

  it('never says more is available than the machine has', async () => {
    const huge = 'Mach Virtual Memory Statistics: (page size of 16384 bytes)\nPages free: 9999999.\nPages inactive: 1.\nPages purgeable: 1.\nPages speculative: 1.\n';
    const { exec } = fakeExec({ ...MAC_OUTPUTS, '/usr/bin/vm_stat': huge });
    expect((await probe({ platform: 'darwin', exec }).sample()).freeBytes).toBe(32 * GIB);
  });

  it('starts the memory reads before it waits out the CPU window', async () => {
    const started: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const exec = async (file: string): Promise<string> => {
      started.push(file);
      await gate;
      return MAC_OUTPUTS[file as keyof typeof MAC_OUTPUTS];
    };
    const pending = new SystemProbe({ platform: 'darwin', machine: idleMachine(), exec, constrainedMemory: () => 0 }).sample(30);
    expect(started).toHaveLength(2);
    release();
    expect((await pending).freeBytes).toBe(948700 * 16384);
  });
});

describe('SystemProbe on Linux and Windows', () => {
  it('takes os.freemem() (MemAvailable, ullAvailPhys) and has no pressure', async () => {
    const { exec } = fakeExec({});
    const reading = await probe({ platform: 'linux', machine: idleMachine(8 * GIB), exec }).sample();
    expect(reading).toMatchObject({ totalBytes: 32 * GIB, freeBytes: 8 * GIB, pressure: null, unifiedMemory: false });
  });

  it.each(['linux', 'win32'] as const)('reads os.freemem() of 0 on %s as unknown, never as none free', async (platform) => {
    const { exec } = fakeExec({});
    expect((await probe({ platform, machine: idleMachine(0), exec }).sample()).freeBytes).toBeNull();
  });

  it('is unknown when os.freemem() throws', async () => {
    const broken = idleMachine(() => {
      throw new Error('no /proc');
    });
    const { exec } = fakeExec({});
    expect((await probe({ platform: 'linux', machine: broken, exec }).sample()).freeBytes).toBeNull();
  });

  it('leaves interrupt time out of CPU use on Windows', async () => {
    const zero = { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 };
    const later = { user: 100, nice: 0, sys: 200, idle: 700, irq: 150 };
    const { exec } = fakeExec({});
    const windows = probe({ platform: 'win32', machine: machine(GIB, zero, later), exec, gpu: null });
    expect((await windows.sample()).cpuPercent).toBe(30);
    const linux = probe({ platform: 'linux', machine: machine(GIB, zero, later), exec, gpu: null });
    expect((await linux.sample()).cpuPercent).toBe(39.1);
  });

  it('measures from a given mark, leaving its own CPU time out when asked', async () => {
    const { exec } = fakeExec({});
    // The process started at 0 having used 20 ms; by the sample the machine was busy 400 of 1000 ms, 220 of them this process's own.
    const cpuFrom = { times: { busy: 0, idle: 0 }, at: 0, ownMs: 20 };
    const later = { user: 400, nice: 0, sys: 0, idle: 600, irq: 0 };
    const own = probe({ platform: 'linux', machine: machine(GIB, later), exec, gpu: null, cpuFrom, ownCpu: () => 220 });
    expect((await own.sample()).cpuPercent).toBe(20);
    // Without ownCpu the same window counts everything.
    const all = probe({ platform: 'linux', machine: machine(GIB, later), exec, gpu: null, cpuFrom });
    expect((await all.sample()).cpuPercent).toBe(40);
  });

  it('waits out the window from the given mark, not from when the probe was made', async () => {
    const { exec } = fakeExec({});
    const cpuFrom = { times: { busy: 0, idle: 0 }, at: 900, ownMs: 0 };
    vi.useFakeTimers();
    try {
      let done = false;
      const pending = probe({ platform: 'linux', machine: machine(GIB, { user: 1, nice: 0, sys: 0, idle: 9, irq: 0 }), exec, gpu: null, cpuFrom, clock: () => 1000 })
        .sample(150)
        .finally(() => {
          done = true;
        });
      // 900 + 150 - 1000: 50 ms left of the window, not 150.
      await vi.advanceTimersByTimeAsync(49);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
      expect((await pending).cpuPercent).toBe(10);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads NVIDIA memory through nvidia-smi', async () => {
    const { exec, ran } = fakeExec({ 'nvidia-smi': fixture('nvidia-smi-rtx4090.txt') });
    const reading = await probe({ platform: 'linux', exec }).sample();
    expect(reading.gpu).toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB });
    expect(ran).toEqual(['nvidia-smi']);
  });

  it('pays one failed spawn on a machine without nvidia-smi', async () => {
    const { exec, ran } = fakeExec({});
    let now = 0;
    const gpu = new GpuMemoryReader({ exec, clock: () => now });
    const system = probe({ platform: 'win32', exec, gpu });
    for (let i = 0; i < 4; i += 1) {
      expect((await system.sample()).gpu).toBeNull();
      now += 60_000;
    }
    expect(ran).toEqual(['nvidia-smi']);
  });

  it('is unknown GPU memory, not a failed sample, when the reader rejects', async () => {
    const failing = { read: () => Promise.reject(new Error('boom')) } as unknown as GpuMemoryReader;
    const { exec } = fakeExec({});
    expect((await probe({ platform: 'linux', exec, gpu: failing }).sample()).gpu).toBeNull();
  });
});

describe('unified memory', () => {
  it.each([
    ['darwin', 'arm64', true],
    ['darwin', 'x64', false],
    ['linux', 'arm64', false],
    ['win32', 'x64', false],
  ] as const)('%s on %s is %s', (platform, arch, unified) => {
    expect(detectUnifiedMemory(platform, arch)).toBe(unified);
  });

  it('is what the setting says when it says something (an integrated GPU), and reads no GPU then', async () => {
    const { exec, ran } = fakeExec({ 'nvidia-smi': '24564, 13320\n' });
    const integrated = await probe({ platform: 'linux', arch: 'x64', unifiedMemory: true, exec }).sample();
    expect(integrated.unifiedMemory).toBe(true);
    expect(integrated.gpu).toBeNull();
    expect(ran).toEqual([]);
    const overridden = await probe({ platform: 'darwin', arch: 'arm64', unifiedMemory: false, exec: fakeExec(MAC_OUTPUTS).exec }).sample();
    expect(overridden.unifiedMemory).toBe(false);
  });

  it('is detected when the setting is null', async () => {
    const reading = await probe({ platform: 'darwin', arch: 'arm64', unifiedMemory: null, exec: fakeExec(MAC_OUTPUTS).exec }).sample();
    expect(reading.unifiedMemory).toBe(true);
  });
});

describe('constrained memory', () => {
  it.each([
    ['no limit (0)', 0, null],
    ['no limit (undefined)', undefined, null],
    ['unlimited (2^64)', 2 ** 64, null],
    ['unlimited (MAX_SAFE_INTEGER)', Number.MAX_SAFE_INTEGER, null],
    ['a limit at RAM', 32 * GIB, null],
    ['a limit above RAM', 64 * GIB, null],
    ['a negative figure', -1, null],
    ['NaN', Number.NaN, null],
    ['a cgroup of 8 GiB', 8 * GIB, 8 * GIB],
  ] as const)('%s is %s', (_, limit, expected) => {
    expect(constrainedBelow(limit, 32 * GIB)).toBe(expected);
  });

  it('comes from process.constrainedMemory() in each sample', async () => {
    const { exec } = fakeExec({});
    const limited = probe({ platform: 'linux', exec, gpu: null, constrainedMemory: () => 4 * GIB });
    expect((await limited.sample()).constrainedBytes).toBe(4 * GIB);
  });

  it('is null when reading it throws', async () => {
    const { exec } = fakeExec({});
    const broken = probe({
      platform: 'linux',
      exec,
      gpu: null,
      constrainedMemory: () => {
        throw new Error('not in this runtime');
      },
    });
    expect((await broken.sample()).constrainedBytes).toBeNull();
  });
});

describe('SystemProbe on this machine', () => {
  it('still works with no arguments', async () => {
    const reading = await new SystemProbe().sample();
    expect(reading.totalBytes).toBeGreaterThan(0);
    expect(reading.freeBytes === null || reading.freeBytes > 0).toBe(true);
    expect(typeof reading.unifiedMemory).toBe('boolean');
  });
});

describe('runCommand', () => {
  it('resolves with standard output', async () => {
    await expect(runCommand(process.execPath, ['-e', 'process.stdout.write("24564, 13320")'], { timeoutMs: 10_000 })).resolves.toBe('24564, 13320');
  });

  it('rejects with ENOENT for a missing program, which the GPU reader remembers', async () => {
    await expect(runCommand('delegator-monitor-no-such-program', [], { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects once the timeout has passed', async () => {
    await expect(runCommand(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)'], { timeoutMs: 200 })).rejects.toMatchObject({ killed: true });
  });
});

describe('a sample that cannot fail', () => {
  it('is unknown GPU memory when the reader throws outright', async () => {
    const throwing = {
      read: () => {
        throw new Error('boom');
      },
    } as unknown as GpuMemoryReader;
    const { exec } = fakeExec({});
    expect((await probe({ platform: 'linux', exec, gpu: throwing }).sample()).gpu).toBeNull();
  });
});
