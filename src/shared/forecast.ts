import { z } from 'zod';
import { instantSchema } from './instant';

/**
 * What starting a category would meet, as Ollama's scheduler handles it:
 * room now; room once Ollama evicts idle models (which it does, unasked, to
 * make room); room once models unload as their keep-alive runs out; room only
 * by swapping (macOS under memory pressure); more models than Ollama keeps
 * loaded at once, so they swap in and out; or no room.
 */
export const forecastVerdictSchema = z.enum([
  'fits',
  'fits-after-eviction',
  'fits-later',
  'only-by-swapping',
  'over-model-limit',
  'will-not-fit',
]);
export type ForecastVerdict = z.infer<typeof forecastVerdictSchema>;

/** What starting one of ECHO's categories would add to memory, given what is loaded now. */
export const categoryForecastSchema = z.object({
  category: z.string(),
  agents: z.array(z.string()),
  /** The models not loaded yet, each counted once (bytes). */
  needBytes: z.number().int().nonnegative(),
  /** Of needBytes, what would sit in RAM and in free GPU memory, as Ollama fills the GPU first. */
  needRamBytes: z.number().int().nonnegative(),
  needVramBytes: z.number().int().nonnegative(),
  /** Memory free now; null when the machine's reading failed. */
  freeBytes: z.number().int().nonnegative().nullable(),
  /** GPU memory free now; null where it cannot be read. */
  freeVramBytes: z.number().int().nonnegative().nullable(),
  /** Whether it fits now or once Ollama evicts idle models; null when free memory is unknown: no claim either way. */
  fits: z.boolean().nullable(),
  /** Null where no claim can be made (free memory unknown, or Ollama not answering and it looks too big). */
  verdict: forecastVerdictSchema.nullable(),
  /** For `fits-after-eviction`: the idle models Ollama would evict, in its order, with what each frees (bytes). */
  evicting: z.array(z.object({ model: z.string(), bytes: z.number().int().nonnegative() })),
  /** How many models Ollama keeps loaded at once (OLLAMA_MAX_LOADED_MODELS, or its default where it can be told). */
  modelLimit: z.number().int().positive().nullable(),
  /**
   * For a category that will not fit now: when it would, once loaded models it
   * does not use leave memory on their own (Ollama's keep-alive runs out while
   * their agents stay quiet), and which models those are. Null otherwise.
   */
  fitsLater: z.object({ at: instantSchema, unloading: z.array(z.string()) }).nullable(),
});
export type CategoryForecast = z.infer<typeof categoryForecastSchema>;

export const admissionForecastSchema = z.object({ categories: z.array(categoryForecastSchema) });
export type AdmissionForecast = z.infer<typeof admissionForecastSchema>;
