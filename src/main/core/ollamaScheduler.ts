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
 * How many models Ollama keeps loaded at once here. Its default is 3 per GPU:
 * 3 where there is no dedicated GPU (the CPU alone, or Apple's unified
 * memory); with dedicated GPUs the monitor reads their memory summed, not
 * their number, so it makes no claim rather than a wrong one.
 */
export function modelLimitOf(scheduler: OllamaScheduler, dedicatedGpu: boolean): number | null {
  if (scheduler.maxLoadedModels !== null) return scheduler.maxLoadedModels;
  return dedicatedGpu ? null : MODELS_PER_GPU;
}

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * OLLAMA_KEEP_ALIVE as Ollama reads it: a Go duration (`5m`, `1h30m`,
 * `2.5h`) or a whole number of seconds (`300`); negative keeps models for
 * good (null). Undefined where the text is neither.
 */
export function parseKeepAlive(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return seconds < 0 ? null : seconds * 1000;
  }
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(trimmed);
  if (!match) return undefined;
  let total = 0;
  for (const part of trimmed.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * (UNIT_MS[part[2] ?? 's'] ?? 0);
  return match[1] === '-' ? null : Math.round(total);
}
