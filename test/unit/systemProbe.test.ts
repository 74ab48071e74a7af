import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { GpuMemoryReader } from '../../src/main/sources/machine/gpuMemory';
import { runCommand } from '../../src/main/sources/machine/runCommand';
import {
  constrainedBelow,
  SystemProbe,
  type MachineInfo,
  type SystemProbeOptions,
} from '../../src/main/sources/machine/systemProbe';
import { useProcRoots, useSysfsTrees } from '../support/sysfsTree';

const FIXTURES = join(import.meta.dirname, '../fixtures/platform');
/** A fixture's text without its `#` header (its source and machine). */
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8').replace(/^(?:#.*\n)+/, '');
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

const idleMachine = (freemem: number | (() => number) = 8 * GIB): MachineInfo =>
  machine(freemem, { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 });

type Output = string | Error | Promise<string>;

/**
 * An exec that answers by program and arguments (`/usr/sbin/sysctl -n vm.swapusage`),
 * else by program alone, and records what it ran (`file args…`, trimmed).
 */
function fakeExec(outputs: Record<string, Output>) {
  const ran: string[] = [];
  const exec = (file: string, args: readonly string[] = []): Promise<string> => {
    const call = [file, ...args].join(' ');
    ran.push(call);
    const output =
      outputs[call] ?? outputs[file] ?? Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    return output instanceof Error ? Promise.reject(output) : Promise.resolve(output);
  };
  return { exec, ran };
}

const NVIDIA_SMI = 'nvidia-smi --query-gpu=memory.total,memory.used --format=csv,noheader,nounits';
const unknownOid = (name: string): Error =>
  Object.assign(new Error(`Command failed\nsysctl: unknown oid '${name}'`), { code: 1, stdout: '' });

/** An Apple Silicon Mac under some pressure, with some swap in use. */
const MAC_OUTPUTS = {
  '/usr/bin/vm_stat': fixture('vm_stat-apple-silicon-32gb.txt'),
  '/usr/sbin/sysctl -n kern.memorystatus_vm_pressure_level': fixture('sysctl-pressure-2.txt'),
  '/usr/sbin/sysctl -n vm.swapusage': 'total = 2048.00M  used = 1069.00M  free = 979.00M  (encrypted)\n',
  '/usr/sbin/sysctl -n hw.optional.arm64': '1\n',
  '/usr/sbin/sysctl -n sysctl.proc_translated': '0\n',
};
/** What the 32 GB Mac has free: free, file-backed and purgeable pages. */
const MAC_AVAILABLE = (55012 + 760214 + 30418) * 16384;

/** Where neither sysfs nor procfs is: the probe reads nothing of this machine's own. */
const NO_SYSFS = join(tmpdir(), 'no-such-sysfs');
const NO_PROCFS = join(tmpdir(), 'no-such-procfs');

/**
 * A probe on an idle 32 GB machine with no container limit, no sysfs and no procfs unless the options say otherwise.
 */
function probe(options: SystemProbeOptions): SystemProbe {
  return new SystemProbe({
    clock: () => 0,
    constrainedMemory: () => 0,
    machine: idleMachine(),
    sysfsRoot: NO_SYSFS,
    procRoot: NO_PROCFS,
    ...options,
  });
}

/** `/proc/meminfo` of a 32 GB Linux desktop with 2.1 GiB of swap in use (2202368 kB). */
const MEMINFO = readFileSync(new URL('../fixtures/platform/meminfo-linux-swapping.txt', import.meta.url), 'utf8');
const MEMINFO_SWAP_USED = 2202368 * 1024;

/** Lets every callback already due run (no time passes on the injected clock). */
const settleCallbacks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/**
 * Time enough for a GPU read's power check (a few sysfs reads) and the nvidia-smi it would start, for tests that none
 * starts.
 */
const checkTime = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * Lets real I/O (the probe's reads of procfs and sysfs) finish until `ready`
 * holds, while fake timers hold the clock still: `setImmediate` must be left
 * real (`toFake: ['setTimeout', 'clearTimeout']`).
 */
async function untilReady(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
}

/** A promise the test settles when it chooses: a program that takes as long as the test likes. */
function pending() {
  let resolve: (text: string) => void = () => undefined;
  const promise = new Promise<string>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** A sysfs tree with the given PCI devices, removed after each test. */
const sysfs = useSysfsTrees();
/** A procfs root with the given meminfo, removed after each test. */
const procfs = useProcRoots();

describe('SystemProbe on macOS', () => {
  it('reads available memory, pressure and swap from vm_stat and sysctl, not os.freemem()', async () => {
    const { exec, ran } = fakeExec(MAC_OUTPUTS);
    // libuv's free pages only: what made a 32 GB Mac look full.
    const reading = await probe({ platform: 'darwin', arch: 'arm64', machine: idleMachine(0.9e9), exec }).sample();
    expect(reading.freeBytes).toBe(MAC_AVAILABLE);
    expect(reading.pressure).toBe('warn');
    expect(reading.swapUsedBytes).toBe(1069 * MIB);
    expect(reading.unifiedMemory).toBe(true);
    expect(reading.unifiedMemoryHint).toBe(false);
    expect(reading.gpu).toBeNull();
    // No GPU reader on a Mac: nvidia-smi is never tried; an arm64 process needs no question about its Mac.
    expect(ran.sort()).toEqual([
      '/usr/bin/vm_stat',
      '/usr/sbin/sysctl -n kern.memorystatus_vm_pressure_level',
      '/usr/sbin/sysctl -n vm.swapusage',
    ]);
  });

  it('does not count the anonymous inactive pages of a swapping Mac as available (published capture)', async () => {
    const { exec } = fakeExec({
      ...MAC_OUTPUTS,
      '/usr/bin/vm_stat': fixture('vm_stat-apple-silicon-16gb-swapping.txt'),
      '/usr/sbin/sysctl -n kern.memorystatus_vm_pressure_level': '4\n',
    });
    const reading = await probe({
      platform: 'darwin',
      arch: 'arm64',
      machine: { ...idleMachine(), totalmem: () => 16 * GIB },
      exec,
    }).sample();
    expect(reading.freeBytes).toBe((4229 + 133056 + 24) * 16384);
    expect(reading).toMatchObject({ pressure: 'critical', swapUsedBytes: 1069 * MIB });
  });

  it('is unknown, not os.freemem(), when vm_stat fails', async () => {
    const { exec } = fakeExec({
      ...MAC_OUTPUTS,
      '/usr/bin/vm_stat': new Error('timed out'),
      '/usr/sbin/sysctl -n kern.memorystatus_vm_pressure_level': '4\n',
    });
    const reading = await probe({ platform: 'darwin', arch: 'arm64', machine: idleMachine(0.9e9), exec }).sample();
    expect(reading.freeBytes).toBeNull();
    expect(reading.pressure).toBe('critical');
  });

  it('is unified memory on Apple Silicon under Rosetta, where the process says x64', async () => {
    const { exec, ran } = fakeExec({
      ...MAC_OUTPUTS,
      '/usr/sbin/sysctl -n hw.optional.arm64': fixture('sysctl-hw.optional-m1.txt'),
      '/usr/sbin/sysctl -n sysctl.proc_translated': fixture('sysctl-proc_translated-rosetta.txt'),
    });
    const system = probe({ platform: 'darwin', arch: 'x64', exec });
    expect((await system.sample()).unifiedMemory).toBe(true);
    expect((await system.sample()).unifiedMemory).toBe(true);
    // Asked once: the machine does not change.
    expect(ran.filter((call) => call.includes('hw.optional.arm64'))).toHaveLength(1);
  });

  it('is an Intel Mac without unified memory', async () => {
    const { exec } = fakeExec({
      ...MAC_OUTPUTS,
      '/usr/bin/vm_stat': fixture('vm_stat-intel-16gb.txt'),
      '/usr/sbin/sysctl -n hw.optional.arm64': unknownOid('hw.optional.arm64'),
      '/usr/sbin/sysctl -n sysctl.proc_translated': unknownOid('sysctl.proc_translated'),
    });
    const reading = await probe({ platform: 'darwin', arch: 'x64', exec }).sample();
    expect(reading.freeBytes).toBe((120384 + 1301870 + 60291) * 4096);
    expect(reading.unifiedMemory).toBe(false);
  });

  it('never says more is available than the machine has', async () => {
    const huge =
      'Mach Virtual Memory Statistics: (page size of 16384 bytes)\nPages free: 9999999.\nFile-backed pages: 1.\nPages purgeable: 1.\n';
    const { exec } = fakeExec({ ...MAC_OUTPUTS, '/usr/bin/vm_stat': huge });
    expect((await probe({ platform: 'darwin', exec }).sample()).freeBytes).toBe(32 * GIB);
  });

  it('starts the memory reads before it waits out the CPU window', async () => {
    const started: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { exec: answer } = fakeExec(MAC_OUTPUTS);
    const exec = async (file: string, args: readonly string[]): Promise<string> => {
      started.push(file);
      await gate;
      return answer(file, args);
    };
    const pending = new SystemProbe({
      platform: 'darwin',
      arch: 'arm64',
      machine: idleMachine(),
      exec,
      constrainedMemory: () => 0,
    }).sample(30);
    expect(started).toHaveLength(3);
    release();
    expect((await pending).freeBytes).toBe(MAC_AVAILABLE);
  });
});

describe('SystemProbe on Linux and Windows', () => {
  it('takes os.freemem() (MemAvailable, ullAvailPhys) and has no pressure', async () => {
    const { exec } = fakeExec({});
    const reading = await probe({ platform: 'linux', machine: idleMachine(8 * GIB), exec }).sample();
    expect(reading).toMatchObject({ totalBytes: 32 * GIB, freeBytes: 8 * GIB, pressure: null, unifiedMemory: false });
  });

  it.each(['linux', 'win32'] as const)(
    'reads os.freemem() of 0 on %s as unknown, never as none free',
    async (platform) => {
      const { exec } = fakeExec({});
      expect((await probe({ platform, machine: idleMachine(0), exec }).sample()).freeBytes).toBeNull();
    },
  );

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
    // The process started at 0 having used 20 ms; by the sample the machine was busy 400 of 1000 ms, 220 of them this
    // process's own.
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
    // The window closes when the CPU times are read again: the mark was given, so that is the first read.
    const busy = machine(GIB, { user: 1, nice: 0, sys: 0, idle: 9, irq: 0 });
    let marks = 0;
    const counted: MachineInfo = {
      ...busy,
      cpus: () => {
        marks += 1;
        return busy.cpus();
      },
    };
    vi.useFakeTimers();
    try {
      const pending = probe({
        platform: 'linux',
        machine: counted,
        exec,
        gpu: null,
        cpuFrom,
        clock: () => 1000,
      }).sample(150);
      // 900 + 150 - 1000: 50 ms left of the window, not 150. (The sample then waits for its read of
      // procfs, real I/O that no fake timer moves, so the window is watched where it closes.)
      await vi.advanceTimersByTimeAsync(49);
      expect(marks).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(marks).toBe(1);
      expect((await pending).cpuPercent).toBe(10);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads NVIDIA memory through nvidia-smi, beside the samples', async () => {
    const smi = pending();
    const { exec, ran } = fakeExec({ 'nvidia-smi': smi.promise });
    const system = probe({ platform: 'linux', exec });
    // The first sample starts the read and does not wait for it.
    expect((await system.sample()).gpu).toBeNull();
    smi.resolve(fixture('nvidia-smi-rtx4090.txt'));
    await vi.waitFor(async () => {
      expect((await system.sample()).gpu).toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB, count: 1 });
    });
    expect(ran).toEqual([NVIDIA_SMI]);
  });

  it('uses a GPU reading that lands within the CPU window', async () => {
    const { exec } = fakeExec({ 'nvidia-smi': fixture('nvidia-smi-rtx4090.txt') });
    const reading = await new SystemProbe({
      platform: 'linux',
      exec,
      machine: idleMachine(),
      constrainedMemory: () => 0,
      sysfsRoot: NO_SYSFS,
      procRoot: NO_PROCFS,
    }).sample(200);
    expect(reading.gpu).toEqual({ totalBytes: 24564 * MIB, usedBytes: 13320 * MIB, count: 1 });
  });

  it('pays one failed spawn on a machine without nvidia-smi', async () => {
    const { exec, ran } = fakeExec({});
    let now = 0;
    const gpu = new GpuMemoryReader({ exec, clock: () => now });
    const system = probe({ platform: 'win32', exec, gpu });
    for (let i = 0; i < 4; i += 1) {
      expect((await system.sample()).gpu).toBeNull();
      await vi.waitFor(() => {
        expect(ran).toEqual([NVIDIA_SMI]);
      });
      now += 60_000;
    }
    expect(ran).toEqual([NVIDIA_SMI]);
  });

  it('is unknown GPU memory, not a failed sample, when the reader rejects', async () => {
    const failing = {
      refresh: () => Promise.reject(new Error('boom')),
      latest: () => null,
    } as unknown as GpuMemoryReader;
    const { exec } = fakeExec({});
    expect((await probe({ platform: 'linux', exec, gpu: failing }).sample()).gpu).toBeNull();
  });
});

describe('GPU reads beside the poll', () => {
  it('never holds a sample for nvidia-smi: one that takes 30 s leaves the last reading, and an old one is unknown', async () => {
    let now = 0;
    const slow = pending();
    let runs = 0;
    const exec = (file: string): Promise<string> => {
      if (file !== 'nvidia-smi') return Promise.reject(new Error('not here'));
      runs += 1;
      return runs === 1 ? Promise.resolve('24564, 13320\n') : slow.promise;
    };
    const system = probe({ platform: 'linux', exec, clock: () => now });
    await system.sample();
    await vi.waitFor(async () => {
      expect((await system.sample()).gpu?.usedBytes).toBe(13320 * MIB);
    });
    now = 30_000;
    // The second nvidia-smi starts and hangs (a multi-GPU host without the persistence daemon)...
    let answered = false;
    const sampled = system.sample().then((reading) => {
      answered = true;
      return reading;
    });
    // ...and the sample answers without it, with the reading of 30 s ago.
    await vi.waitFor(() => {
      expect(runs).toBe(2);
      expect(answered).toBe(true);
    });
    expect((await sampled).gpu?.usedBytes).toBe(13320 * MIB);
    now = 120_000;
    expect((await system.sample()).gpu?.usedBytes).toBe(13320 * MIB);
    // Over two minutes old: unknown, never 0 GB.
    now = 120_001;
    expect((await system.sample()).gpu).toBeNull();
    slow.resolve('24564, 20000\n');
    await vi.waitFor(async () => {
      expect((await system.sample()).gpu?.usedBytes).toBe(20000 * MIB);
    });
  });

  it('lets a one-shot look wait a while for the GPU, and no longer', async () => {
    const quick = fakeExec({ 'nvidia-smi': fixture('nvidia-smi-rtx4090.txt') });
    expect((await probe({ platform: 'linux', exec: quick.exec, gpuWaitMs: 5000 }).sample()).gpu).toEqual({
      totalBytes: 24564 * MIB,
      usedBytes: 13320 * MIB,
      count: 1,
    });
    const hung = pending();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let done = false;
      const sampled = probe({ platform: 'linux', exec: () => hung.promise, gpuWaitMs: 3000 })
        .sample()
        .finally(() => {
          done = true;
        });
      // The wait for the GPU starts once the memory reads (procfs: real I/O) are in.
      await untilReady(() => vi.getTimerCount() === 1);
      await vi.advanceTimersByTimeAsync(2999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
      expect((await sampled).gpu).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes what nvidia-smi prints when it exits 14 (a corrupted infoROM)', async () => {
    const inforom = Object.assign(new Error('Command failed: nvidia-smi'), {
      code: 14,
      stdout: fixture('nvidia-smi-inforom-exit14.txt'),
      stderr: '',
    });
    const { exec } = fakeExec({ 'nvidia-smi': inforom });
    const system = probe({ platform: 'linux', exec });
    await system.sample();
    await vi.waitFor(async () => {
      expect((await system.sample()).gpu).toEqual({ totalBytes: 16280 * MIB, usedBytes: 0, count: 1 });
    });
  });
});

/**
 * A laptop's discrete NVIDIA GPU (a 3D controller) in the given runtime power state, the kernel free to power it down.
 */
const laptopGpu = (runtimeStatus: string) => ({
  '0000:01:00.0': {
    vendor: '0x10de\n',
    class: '0x030200\n',
    'power/runtime_status': `${runtimeStatus}\n`,
    'power/control': 'auto\n',
  },
});

describe.skipIf(process.platform === 'win32')("a laptop's sleeping GPU", () => {
  it('is never woken by nvidia-smi under auto', async () => {
    const suspended =
      readFileSync(join(FIXTURES, 'sysfs-nvidia-runtime_status-suspended.txt'), 'utf8').trimEnd().split('\n').at(-1) ??
      '';
    const { exec, ran } = fakeExec({ 'nvidia-smi': fixture('nvidia-smi-rtx4090.txt') });
    let now = 0;
    const system = probe({ platform: 'linux', exec, clock: () => now, sysfsRoot: await sysfs(laptopGpu(suspended)) });
    for (let i = 0; i < 3; i += 1) {
      expect((await system.sample()).gpu).toBeNull();
      await checkTime();
      now += 30_000;
    }
    expect(ran).toEqual([]);
  });

  it('is read when the setting says always', async () => {
    const { exec, ran } = fakeExec({ 'nvidia-smi': fixture('nvidia-smi-rtx4090.txt') });
    const system = probe({
      platform: 'linux',
      exec,
      gpuReads: 'always',
      sysfsRoot: await sysfs(laptopGpu('suspended')),
    });
    await system.sample();
    await vi.waitFor(() => {
      expect(ran).toEqual([NVIDIA_SMI]);
    });
  });

  it('is read while Ollama holds a model in GPU memory, and let sleep once it holds none', async () => {
    const { exec, ran } = fakeExec({ 'nvidia-smi': fixture('nvidia-smi-rtx4090.txt') });
    let now = 0;
    const system = probe({ platform: 'linux', exec, clock: () => now, sysfsRoot: await sysfs(laptopGpu('active')) });
    system.setGpuInUse(true);
    await system.sample();
    await vi.waitFor(() => {
      expect(ran).toHaveLength(1);
    });
    system.setGpuInUse(false);
    now += 30_000;
    await system.sample();
    await checkTime();
    expect(ran).toHaveLength(1);
  });

  it('is never read when the setting says never', async () => {
    const { exec, ran } = fakeExec({ 'nvidia-smi': fixture('nvidia-smi-rtx4090.txt') });
    const system = probe({ platform: 'linux', exec, gpuReads: 'never' });
    await system.sample();
    await settleCallbacks();
    expect((await system.sample()).gpu).toBeNull();
    expect(ran).toEqual([]);
  });
});

describe('unified memory', () => {
  it('is what the setting says when it says something (an integrated GPU), and reads no GPU then', async () => {
    const { exec, ran } = fakeExec({ 'nvidia-smi': '24564, 13320\n' });
    const system = probe({ platform: 'linux', arch: 'x64', unifiedMemory: true, exec });
    await system.sample();
    await settleCallbacks();
    const integrated = await system.sample();
    expect(integrated.unifiedMemory).toBe(true);
    expect(integrated.gpu).toBeNull();
    expect(ran).toEqual([]);
    const overridden = await probe({
      platform: 'darwin',
      arch: 'arm64',
      unifiedMemory: false,
      exec: fakeExec(MAC_OUTPUTS).exec,
    }).sample();
    expect(overridden.unifiedMemory).toBe(false);
  });

  it('is detected on Apple Silicon when the setting is null', async () => {
    const reading = await probe({
      platform: 'darwin',
      arch: 'arm64',
      unifiedMemory: null,
      exec: fakeExec(MAC_OUTPUTS).exec,
    }).sample();
    expect(reading.unifiedMemory).toBe(true);
  });

  it('is no unified memory on an x86 PC or an ARM server with a GPU of its own', async () => {
    for (const arch of ['x64', 'arm64']) {
      const { exec } = fakeExec({ 'nvidia-smi': fixture('nvidia-smi-rtx4090.txt') });
      const system = probe({ platform: 'linux', arch, exec });
      await system.sample();
      await vi.waitFor(async () => {
        expect(await system.sample()).toMatchObject({
          unifiedMemory: false,
          unifiedMemoryHint: false,
          gpu: { totalBytes: 24564 * MIB },
        });
      });
    }
  });

  it('is detected on a DGX Spark or a Jetson, whose nvidia-smi reports no memory on ARM, and nvidia-smi is then left alone', async () => {
    const smi = pending();
    const { exec, ran } = fakeExec({ 'nvidia-smi': smi.promise });
    let now = 0;
    const system = probe({ platform: 'linux', arch: 'arm64', exec, clock: () => now });
    // Not known until nvidia-smi has answered.
    expect((await system.sample()).unifiedMemory).toBe(false);
    smi.resolve(fixture('nvidia-smi-gb10-na.txt'));
    await vi.waitFor(async () => {
      expect(await system.sample()).toMatchObject({ unifiedMemory: true, unifiedMemoryHint: false, gpu: null });
    });
    now += 60_000;
    expect((await system.sample()).unifiedMemory).toBe(true);
    await checkTime();
    expect(ran).toEqual([NVIDIA_SMI]);
  });

  it('is only hinted where no NVIDIA GPU reports memory on x86', async () => {
    const { exec } = fakeExec({ 'nvidia-smi': fixture('nvidia-smi-na.txt') });
    const system = probe({ platform: 'linux', arch: 'x64', exec });
    await system.sample();
    await vi.waitFor(async () => {
      expect(await system.sample()).toMatchObject({ unifiedMemory: false, unifiedMemoryHint: true, gpu: null });
    });
  });

  it.skipIf(process.platform === 'win32')(
    'is hinted on an AMD APU, unless the setting says so either way',
    async () => {
      const apu = {
        '0000:c5:00.0': {
          vendor: '0x1002\n',
          class: '0x030000\n',
          mem_info_vram_total: `${512 * MIB}\n`,
          mem_info_gtt_total: `${62 * GIB}\n`,
        },
      };
      const root = await sysfs(apu);
      const system = probe({ platform: 'linux', arch: 'x64', exec: fakeExec({}).exec, sysfsRoot: root });
      await system.sample();
      await vi.waitFor(async () => {
        expect((await system.sample()).unifiedMemoryHint).toBe(true);
      });
      expect((await system.sample()).unifiedMemory).toBe(false);
      const off = probe({
        platform: 'linux',
        arch: 'x64',
        exec: fakeExec({}).exec,
        sysfsRoot: root,
        unifiedMemory: false,
      });
      await off.sample();
      await checkTime();
      expect((await off.sample()).unifiedMemoryHint).toBe(false);
    },
  );
});

describe('swap', () => {
  it('is read on Linux from the meminfo under procRoot, beside os.freemem()', async () => {
    const { exec } = fakeExec({});
    const reading = await probe({ platform: 'linux', exec, gpu: null, procRoot: await procfs(MEMINFO) }).sample();
    expect(reading).toMatchObject({ swapUsedBytes: MEMINFO_SWAP_USED, freeBytes: 8 * GIB, pressure: null });
  });

  it('is 0 on Linux with no swap, and unknown where meminfo cannot be read', async () => {
    const { exec } = fakeExec({});
    const noSwap = MEMINFO.replace(/^SwapCached:.*$/m, 'SwapCached:            0 kB')
      .replace(/^SwapTotal:.*$/m, 'SwapTotal:             0 kB')
      .replace(/^SwapFree:.*$/m, 'SwapFree:              0 kB');
    expect(
      (await probe({ platform: 'linux', exec, gpu: null, procRoot: await procfs(noSwap) }).sample()).swapUsedBytes,
    ).toBe(0);
    const unread = await probe({ platform: 'linux', exec, gpu: null, procRoot: NO_PROCFS }).sample();
    // Unknown, never 0; and free memory still comes from os.freemem().
    expect(unread).toMatchObject({ swapUsedBytes: null, freeBytes: 8 * GIB });
  });

  it('is never read from procfs on macOS, which says it through sysctl', async () => {
    const procRoot = await procfs(MEMINFO);
    const mac = await probe({ platform: 'darwin', arch: 'arm64', exec: fakeExec(MAC_OUTPUTS).exec, procRoot }).sample();
    expect(mac.swapUsedBytes).toBe(1069 * MIB);
    // Nor when sysctl fails: unknown, not what a meminfo says.
    const failing = fakeExec({ ...MAC_OUTPUTS, '/usr/sbin/sysctl -n vm.swapusage': new Error('timed out') });
    expect(
      (await probe({ platform: 'darwin', arch: 'arm64', exec: failing.exec, procRoot }).sample()).swapUsedBytes,
    ).toBeNull();
  });

  it('is not read on Windows', async () => {
    const { exec } = fakeExec({});
    expect(
      (await probe({ platform: 'win32', exec, gpu: null, procRoot: await procfs(MEMINFO) }).sample()).swapUsedBytes,
    ).toBeNull();
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
    const swap = reading.swapUsedBytes ?? null;
    expect(swap === null || (Number.isInteger(swap) && swap >= 0)).toBe(true);
  });
});

describe('runCommand', () => {
  it('resolves with standard output', async () => {
    await expect(
      runCommand(process.execPath, ['-e', 'process.stdout.write("24564, 13320")'], { timeoutMs: 10_000 }),
    ).resolves.toBe('24564, 13320');
  });

  it('rejects with ENOENT for a missing program, which the GPU reader remembers', async () => {
    await expect(runCommand('delegator-monitor-no-such-program', [], { timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('rejects once the timeout has passed', async () => {
    await expect(
      runCommand(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)'], { timeoutMs: 200 }),
    ).rejects.toMatchObject({ killed: true });
  });
});

describe('a sample that cannot fail', () => {
  it('is unknown GPU memory when the reader throws outright', async () => {
    const throwing = {
      refresh: () => {
        throw new Error('boom');
      },
      latest: () => {
        throw new Error('boom');
      },
    } as unknown as GpuMemoryReader;
    const { exec } = fakeExec({});
    expect((await probe({ platform: 'linux', exec, gpu: throwing }).sample()).gpu).toBeNull();
  });
});
