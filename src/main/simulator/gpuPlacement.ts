import { SeededRandom } from './random';

const MIB = 1024 * 1024;

/**
 * The demo's machine has a mid-sized GPU, a 12 GB card (an RTX 3060 12 GB,
 * say): GPU memory comes in binary units, and nvidia-smi lists it as 12288 MiB.
 */
export const DEMO_GPU_BYTES = 12_288 * MIB;

/**
 * What Ollama leaves free on a CUDA GPU when it places layers (its
 * `cudaMinimumMemory`): room for the driver's own allocations, so a model never
 * takes the last byte.
 */
export const OLLAMA_GPU_RESERVE_BYTES = 457 * MIB;

/** A GPU as the demo simulates it. */
export interface DemoGpu {
  /** Its memory, as nvidia-smi's `memory.total` gives it. */
  readonly totalBytes: number;
  /** In use before any model loads: the driver's, the display server's and a browser's, as on a desktop. */
  readonly baseBytes: number;
}

/**
 * The demo's GPU for a seed: 12 GB, of which the desktop holds 260 to 620 MiB (whole MiB), the same for the same seed.
 */
export function demoGpu(seed: number): DemoGpu {
  // Its own stream, so this draw does not move with the simulator's other choices from the same seed.
  const random = new SeededRandom((seed ^ 0x5bd1e995) >>> 0);
  return { totalBytes: DEMO_GPU_BYTES, baseBytes: random.int(260, 620) * MIB };
}

/**
 * What Ollama's scheduler sees free for a new model: the GPU's memory less what
 * is in use (the desktop's and the models' already placed) and its reserve.
 */
export function gpuAvailableBytes(gpu: DemoGpu, placedBytes: number): number {
  return Math.max(0, gpu.totalBytes - gpu.baseBytes - placedBytes - OLLAMA_GPU_RESERVE_BYTES);
}

export interface LayeredModel {
  readonly sizeBytes: number;
  /** Its repeating layers; the output layer makes one more, as Ollama counts them. */
  readonly layers: number;
}

/**
 * The part of a model Ollama puts in GPU memory when it loads (`size_vram`),
 * given what is free: all of it when it fits; else as many whole layers as
 * fit, the rest staying in system RAM; none when not even one layer fits.
 */
export function gpuBytesFor(model: LayeredModel, availableBytes: number): number {
  if (model.sizeBytes <= availableBytes) return model.sizeBytes;
  const layerBytes = model.sizeBytes / (model.layers + 1);
  const layers = Math.min(model.layers, Math.floor(Math.max(0, availableBytes) / layerBytes));
  return Math.floor(layers * layerBytes);
}
