import { OLLAMA_KEEP_ALIVE_MS } from './modelUnloads';

/**
 * What the monitor knows of Ollama's scheduler settings, read from the same
 * variables Ollama reads (envconfig/config.go), where the monitor's
 * environment carries them: the desktop settings can set them too.
 */
export interface OllamaScheduler {
  /** OLLAMA_MAX_LOADED_MODELS; null: Ollama's default, 3 per GPU (server/sched.go, defaultModelsPerGPU). */
  readonly maxLoadedModels: number | null;
  /** OLLAMA_KEEP_ALIVE in ms; null: negative, kept for good. 5 minutes by default. */
  readonly keepAliveMs: number | null;
}

export const DEFAULT_OLLAMA_SCHEDULER: OllamaScheduler = { maxLoadedModels: null, keepAliveMs: OLLAMA_KEEP_ALIVE_MS };

/** Ollama loads at most this many models per GPU, or on the CPU alone, unless told otherwise. */
const MODELS_PER_GPU = 3;

/**
 * How many models Ollama keeps loaded at once here. Its default is 3 per GPU
 * (server/sched.go: defaultModelsPerGPU times the GPUs it found), and 3 where
 * there is no dedicated GPU (the CPU alone, or Apple's unified memory, which
 * Ollama counts as one). `dedicatedGpus` is how many nvidia-smi reports, 0
 * where none is read.
 */
export function modelLimitOf(scheduler: OllamaScheduler, dedicatedGpus: number): number {
  if (scheduler.maxLoadedModels !== null) return scheduler.maxLoadedModels;
  return MODELS_PER_GPU * Math.max(1, dedicatedGpus);
}
