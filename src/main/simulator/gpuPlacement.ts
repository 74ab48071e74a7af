import { SeededRandom } from './random';

/** The demo's machine has a mid-sized GPU (Ollama's `size_vram` is counted in powers of ten too). */
export const DEMO_GPU_BYTES = 12_000_000_000;

export interface SizedModel {
  readonly name: string;
  readonly sizeBytes: number;
}

/** A stable number for a name, so a model's own choice does not depend on what else was asked. */
function nameHash(name: string): number {
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16777619);
  return hash >>> 0;
}

const splitShare = (sizeBytes: number, gpuBytes: number): number => Math.round((gpuBytes / sizeBytes) * 100) / 100;

/**
 * Which share of each model sits in GPU memory (`size_vram / size`), the same
 * for the same seed. Of the models that fit the GPU, half (rounded up, in a
 * seeded order) are wholly in it and the rest wholly in system RAM, as when
 * the GPU was busy when they loaded; the first model too big for it is split,
 * as Ollama splits layers, and any further big one stays in RAM. So the demo
 * shows all three cases.
 */
export function planGpuShares(models: readonly SizedModel[], seed: number, gpuBytes = DEMO_GPU_BYTES): Map<string, number> {
  const random = new SeededRandom(seed);
  const order = [...models].sort((a, b) => a.name.localeCompare(b.name));
  // Fisher-Yates with the seeded generator.
  for (let index = order.length - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    [order[index], order[other]] = [order[other] as SizedModel, order[index] as SizedModel];
  }
  const fitting = order.filter((model) => model.sizeBytes <= gpuBytes);
  const wholly = new Set(fitting.slice(0, Math.ceil(fitting.length / 2)).map((model) => model.name));
  const split = order.find((model) => model.sizeBytes > gpuBytes);
  return new Map(
    order.map((model) => {
      if (wholly.has(model.name)) return [model.name, 1];
      if (model === split) return [model.name, splitShare(model.sizeBytes, gpuBytes)];
      return [model.name, 0];
    }),
  );
}

/** The share for a model outside the plan: split when it is too big for the GPU, else a seeded coin. */
export function gpuShareOf(model: SizedModel, seed: number, gpuBytes = DEMO_GPU_BYTES): number {
  if (model.sizeBytes > gpuBytes) return splitShare(model.sizeBytes, gpuBytes);
  return new SeededRandom(seed ^ nameHash(model.name)).chance(0.5) ? 1 : 0;
}
