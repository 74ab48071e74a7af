import { describe, expect, it } from 'vitest';
import { baseRamBytes, DEMO_RAM_BYTES, demoMachine } from '../../src/main/simulator/demoMachine';
import { demoGpu, DEMO_GPU_BYTES } from '../../src/main/simulator/gpuPlacement';
import { LoadedModels } from '../../src/main/simulator/loadedModels';
import { simulatedMachineOptions } from '../../src/main/sources/machine/simulatedMachine';
import { SystemProbe } from '../../src/main/sources/machine/systemProbe';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;
const T0 = Date.parse('2026-11-24T14:30:00Z');
const SEED = 20251112;

/** The demo's machine over a LoadedModels on a clock the test moves, with agents of known resident memory. */
function setUp(agents: Readonly<Record<number, number>> = {}) {
  let now = T0;
  const gpu = demoGpu(SEED);
  const models = new LoadedModels(SEED, gpu);
  const machine = demoMachine({
    seed: SEED,
    gpu,
    models: () => models.list(now),
    agentPids: () => Object.keys(agents).map(Number),
    clock: () => now,
    residentBytes: (pid) => agents[pid] ?? null,
  });
  return {
    gpu,
    models,
    machine,
    at: (time: number) => {
      now = time;
    },
    now: () => now,
  };
}

describe('the demo machine', () => {
  it('says what it is: 64 GB of RAM and a 12 GB GPU', () => {
    const { machine } = setUp();
    expect(machine.description).toBe('simulated machine: 64 GB RAM, 12 GB GPU');
    expect(machine.totalBytes).toBe(64 * GIB);
    expect(machine.swapUsedBytes()).toBe(0);
  });

  it("has the OS's few GiB in use before anything runs, drifting slowly, the same for the same seed", () => {
    const bases = Array.from({ length: 60 }, (_, minute) => baseRamBytes(SEED, T0 + minute * 60_000));
    for (const base of bases) {
      expect(base).toBeGreaterThan(3 * GIB - 160 * MIB);
      expect(base).toBeLessThan(4.5 * GIB + 160 * MIB);
    }
    for (let index = 1; index < bases.length; index += 1)
      expect(Math.abs((bases[index] ?? 0) - (bases[index - 1] ?? 0))).toBeLessThan(110 * MIB);
    expect(new Set(bases).size).toBeGreaterThan(1);
    expect(baseRamBytes(SEED, T0)).toBe(baseRamBytes(SEED, T0));
    expect(new Set([1, 2, 3, 4].map((seed) => baseRamBytes(seed, T0))).size).toBeGreaterThan(1);
  });

  it("counts as used the OS's memory, the models' parts outside GPU memory and the agents' resident memory", () => {
    const { machine, models, now } = setUp({ 101: 40 * MIB, 102: 25 * MIB });
    const idle = DEMO_RAM_BYTES - baseRamBytes(SEED, now()) - 65 * MIB;
    expect(machine.freeBytes()).toBe(Math.floor(idle / KIB) * KIB);
    models.use('qwen2.5:14b', now());
    models.use('deepseek-coder:33b', now());
    models.use('llama3.1:8b', now());
    const inRam = models.list(now()).reduce((sum, entry) => sum + entry.size - entry.size_vram, 0);
    expect(inRam).toBeGreaterThan(10e9);
    expect(machine.freeBytes()).toBe(Math.floor((idle - inRam) / KIB) * KIB);
  });

  it("reports its GPU as nvidia-smi would: 12288 MiB, used by the desktop and the models' size_vram", () => {
    const { machine, models, gpu, now } = setUp();
    expect(machine.nvidiaSmi()).toBe(`12288, ${String(gpu.baseBytes / MIB)}\n`);
    models.use('qwen2.5:14b', now());
    models.use('deepseek-coder:33b', now());
    const inGpu = models.list(now()).reduce((sum, entry) => sum + entry.size_vram, 0);
    expect(machine.nvidiaSmi()).toBe(`12288, ${String(Math.floor((gpu.baseBytes + inGpu) / MIB))}\n`);
  });

  it('gives the memory back as models expire', () => {
    const { machine, models, at, now } = setUp();
    const before = machine.freeBytes();
    models.use('codellama:13b', now());
    models.use('qwen2.5:14b', now());
    expect(machine.freeBytes()).toBeLessThan(before - 5e9);
    at(T0 + 6 * 60_000);
    expect(Math.abs(machine.freeBytes() - before)).toBeLessThan(2 * 160 * MIB);
  });

  it.runIf(process.platform === 'linux')("reads the agents' resident memory from procfs by default", () => {
    const gpu = demoGpu(SEED);
    const without = demoMachine({ seed: SEED, gpu, models: () => [], clock: () => T0 });
    const withThis = demoMachine({
      seed: SEED,
      gpu,
      models: () => [],
      clock: () => T0,
      agentPids: () => [process.pid, 2 ** 30],
    });
    const rss = without.freeBytes() - withThis.freeBytes();
    expect(rss).toBeGreaterThan(10 * MIB);
    expect(rss).toBeLessThan(4 * GIB);
  });
});

describe('the system probe on the simulated machine', () => {
  it("reads its RAM, free memory, swap and GPU in place of this machine's, the GPU as of the sample", async () => {
    const { machine, models, gpu, now } = setUp({ 7: 30 * MIB });
    const probe = new SystemProbe(simulatedMachineOptions(machine, now));
    models.use('qwen2.5:14b', now());
    models.use('llama3.1:8b', now());
    const reading = await probe.sample();
    const inGpu = models.list(now()).reduce((sum, entry) => sum + entry.size_vram, 0);
    expect(reading).toMatchObject({
      totalBytes: DEMO_RAM_BYTES,
      freeBytes: machine.freeBytes(),
      swapUsedBytes: 0,
      unifiedMemory: false,
      unifiedMemoryHint: false,
      constrainedBytes: null,
      pressure: null,
      gpu: { totalBytes: DEMO_GPU_BYTES, usedBytes: Math.floor((gpu.baseBytes + inGpu) / MIB) * MIB, count: 1 },
      simulatedMachine: 'simulated machine: 64 GB RAM, 12 GB GPU',
    });
    // A model loaded between two samples shows in the next one, with no nvidia-smi interval between.
    models.use('mistral:7b', now());
    const next = await probe.sample();
    const inGpuNow = models.list(now()).reduce((sum, entry) => sum + entry.size_vram, 0);
    expect(next.gpu?.usedBytes).toBe(Math.floor((gpu.baseBytes + inGpuNow) / MIB) * MIB);
    expect(next.gpu?.usedBytes).toBeLessThanOrEqual(next.gpu?.totalBytes ?? 0);
  });

  it("asks the stand-in for swap, never this machine's procfs", async () => {
    const { machine, now } = setUp();
    const probe = new SystemProbe(simulatedMachineOptions({ ...machine, swapUsedBytes: () => 123 * MIB }, now));
    expect((await probe.sample()).swapUsedBytes).toBe(123 * MIB);
  });
});
