import { z } from 'zod';
import { instantSchema } from './instant';

/** What starting one of ECHO's categories would add to memory, given what is loaded now. */
export const categoryForecastSchema = z.object({
  category: z.string(),
  agents: z.array(z.string()),
  /** The models not loaded yet, each counted once (GB, one decimal). */
  needGb: z.number().nonnegative(),
  /** Of needGb, what would sit in RAM and in free GPU memory, as Ollama fills the GPU first. */
  needRamGb: z.number().nonnegative(),
  needVramGb: z.number().nonnegative(),
  /** Memory free now; null when the machine's reading failed. */
  freeGb: z.number().nonnegative().nullable(),
  /** GPU memory free now; null where it cannot be read. */
  freeVramGb: z.number().nonnegative().nullable(),
  /** Null when free memory is unknown: no claim either way. */
  fits: z.boolean().nullable(),
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
