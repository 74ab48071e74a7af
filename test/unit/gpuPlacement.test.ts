import { describe, expect, it } from 'vitest';
import {
  DEMO_GPU_BYTES,
  demoGpu,
  gpuAvailableBytes,
  gpuBytesFor,
  OLLAMA_GPU_RESERVE_BYTES,
} from '../../src/main/simulator/gpuPlacement';
import { LoadedModels, type PsEntry } from '../../src/main/simulator/loadedModels';
import { MODEL_SIZES, modelFootprint } from '../../src/main/simulator/modelSizes';
import { SeededRandom } from '../../src/main/simulator/random';

const MIB = 1024 ** 2;
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-24T14:30:00Z');
const SEED = 20251112;

const vramOf = (entries: readonly PsEntry[], name: string): number | undefined =>
  entries.find((entry) => entry.name === name)?.size_vram;
const vramSum = (entries: readonly PsEntry[]): number => entries.reduce((sum, entry) => sum + entry.size_vram, 0);

describe('demoGpu', () => {
  it('is a 12 GB card, as nvidia-smi lists one (12288 MiB), of which the desktop holds a few hundred MiB', () => {
    expect(DEMO_GPU_BYTES).toBe(12_288 * MIB);
    for (const seed of [1, 2, 3, SEED]) {
      const gpu = demoGpu(seed);
      expect(gpu.totalBytes).toBe(DEMO_GPU_BYTES);
      expect(gpu.baseBytes % MIB).toBe(0);
      expect(gpu.baseBytes).toBeGreaterThanOrEqual(260 * MIB);
      expect(gpu.baseBytes).toBeLessThanOrEqual(620 * MIB);
    }
  });

  it('is the same for the same seed and differs between seeds', () => {
    expect(demoGpu(7)).toEqual(demoGpu(7));
    expect(new Set([1, 2, 3, 4, 5].map((seed) => demoGpu(seed).baseBytes)).size).toBeGreaterThan(1);
  });

  it('leaves Ollama what is free less its reserve, never below 0', () => {
    const gpu = { totalBytes: 12_288 * MIB, baseBytes: 400 * MIB };
    expect(gpuAvailableBytes(gpu, 0)).toBe((12_288 - 400) * MIB - OLLAMA_GPU_RESERVE_BYTES);
    expect(gpuAvailableBytes(gpu, 11_500 * MIB)).toBe(0);
  });
});

describe('gpuBytesFor', () => {
  const model = { sizeBytes: 6_300_000_000, layers: 62 };
  const layerBytes = model.sizeBytes / 63;

  it('places a model wholly when it fits', () => {
    expect(gpuBytesFor(model, model.sizeBytes)).toBe(model.sizeBytes);
    expect(gpuBytesFor(model, 20e9)).toBe(model.sizeBytes);
  });

  it('splits one that does not fit by whole layers, within what is free', () => {
    const free = 2_050_000_000;
    const placed = gpuBytesFor(model, free);
    expect(placed).toBe(Math.floor(20 * layerBytes));
    expect(placed).toBeLessThanOrEqual(free);
    expect(free - placed).toBeLessThan(layerBytes);
    expect(Number.isInteger(placed)).toBe(true);
    // One byte short of the whole model: all its repeating layers, the output layer in RAM.
    expect(gpuBytesFor(model, model.sizeBytes - 1)).toBe(Math.floor(62 * layerBytes));
  });

  it('places none when not even one layer fits', () => {
    expect(gpuBytesFor(model, layerBytes - 1)).toBe(0);
    expect(gpuBytesFor(model, 0)).toBe(0);
    expect(gpuBytesFor(model, -5)).toBe(0);
  });
});

describe("LoadedModels' placement", () => {
  const gpu = demoGpu(SEED);
  const room = gpuAvailableBytes(gpu, 0);

  it('places each model in what is free when it loads: wholly, then split, then in RAM', () => {
    const models = new LoadedModels(SEED);
    models.use('qwen2.5:14b', T0);
    models.use('deepseek-coder:33b', T0 + 1000);
    models.use('llama3.1:8b', T0 + 2000);
    const listed = models.list(T0 + 2000);
    expect(vramOf(listed, 'qwen2.5:14b')).toBe(10_200_000_000);
    const split = vramOf(listed, 'deepseek-coder:33b') ?? -1;
    expect(split).toBe(gpuBytesFor(modelFootprint('deepseek-coder:33b'), room - 10_200_000_000));
    expect(split).toBeGreaterThan(0);
    expect(split).toBeLessThan(20_300_000_000);
    expect(vramOf(listed, 'llama3.1:8b')).toBe(
      gpuBytesFor(modelFootprint('llama3.1:8b'), room - 10_200_000_000 - split),
    );
    expect(vramSum(listed)).toBeLessThanOrEqual(room);
  });

  it('places none once the GPU is full', () => {
    // A GPU that one model fills to Ollama's reserve.
    const models = new LoadedModels(SEED, {
      totalBytes: 10_200_000_000 + 300 * MIB + OLLAMA_GPU_RESERVE_BYTES,
      baseBytes: 300 * MIB,
    });
    models.use('qwen2.5:14b', T0);
    models.use('mistral:7b', T0);
    const listed = models.list(T0);
    expect(vramOf(listed, 'qwen2.5:14b')).toBe(10_200_000_000);
    expect(vramOf(listed, 'mistral:7b')).toBe(0);
    // With the demo's GPU, the big one fills it by layers and what is left takes a sliver at most.
    const demo = new LoadedModels(SEED);
    demo.use('deepseek-coder:33b', T0);
    demo.use('mistral:7b', T0);
    const big = vramOf(demo.list(T0), 'deepseek-coder:33b') ?? 0;
    expect(big).toBe(gpuBytesFor(modelFootprint('deepseek-coder:33b'), room));
    expect(vramOf(demo.list(T0), 'mistral:7b')).toBe(gpuBytesFor(modelFootprint('mistral:7b'), room - big));
    expect(room - big).toBeLessThan(20_300_000_000 / 63);
  });

  it('gives the memory back when a model unloads, for the next to take', () => {
    const models = new LoadedModels(SEED);
    models.use('qwen2.5:14b', T0);
    models.use('codellama:13b', T0);
    const split = vramOf(models.list(T0), 'codellama:13b') ?? -1;
    expect(split).toBeLessThan(8_808_038_400);
    models.unload('qwen2.5:14b');
    models.use('llama3.1:8b', T0);
    expect(vramOf(models.list(T0), 'llama3.1:8b')).toBe(5_600_000_000);
    // A model already loaded keeps the place it was given.
    models.use('codellama:13b', T0 + MINUTE);
    expect(vramOf(models.list(T0 + MINUTE), 'codellama:13b')).toBe(split);
  });

  it('gives the memory back when a model expires', () => {
    const models = new LoadedModels(SEED);
    models.use('qwen2.5:14b', T0);
    models.use('deepseek-coder:33b', T0 + 6 * MINUTE);
    const alone = new LoadedModels(SEED);
    alone.use('deepseek-coder:33b', T0);
    expect(models.list(T0 + 6 * MINUTE).map((entry) => [entry.name, entry.size_vram])).toEqual(
      alone.list(T0).map((entry) => [entry.name, entry.size_vram]),
    );
  });

  it('is the same for the same seed and the same requests', () => {
    const run = (seed: number): PsEntry[] => {
      const models = new LoadedModels(seed);
      ['qwen2.5:14b', 'deepseek-coder:33b', 'mistral:7b'].forEach((name, index) => {
        models.use(name, T0 + index * 1000);
      });
      return models.list(T0 + 5000);
    };
    expect(run(SEED)).toEqual(run(SEED));
  });

  it('keeps what the listed models hold within the GPU, and each within its size, whatever is asked in whatever order', () => {
    const names = [...Object.keys(MODEL_SIZES), 'llama3.1:70b', 'phi3:mini', 'mixtral:8x7b', 'llama3.2:3b'];
    const keeps = [30_000, MINUTE, 5 * MINUTE, 10 * MINUTE, 292 * 365.25 * 86_400_000];
    for (let seed = 1; seed <= 60; seed += 1) {
      const random = new SeededRandom(seed);
      const models = new LoadedModels(seed);
      const base = models.gpu.baseBytes;
      let now = T0;
      for (let step = 0; step < 150; step += 1) {
        const roll = random.next();
        if (roll < 0.55) models.use(random.pick(names), now, random.pick(keeps));
        else if (roll < 0.7) models.unload(random.pick(names));
        else now += random.int(0, 6 * MINUTE);
        const listed = models.list(now);
        const context = `seed ${String(seed)}, step ${String(step)}`;
        expect(vramSum(listed) + base + OLLAMA_GPU_RESERVE_BYTES, context).toBeLessThanOrEqual(DEMO_GPU_BYTES);
        for (const entry of listed) {
          expect(Number.isInteger(entry.size_vram), context).toBe(true);
          expect(entry.size_vram, context).toBeGreaterThanOrEqual(0);
          expect(entry.size_vram, context).toBeLessThanOrEqual(entry.size);
        }
      }
    }
  });
});
