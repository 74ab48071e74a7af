import { normalizeModel } from '../../shared/modelName';
import { parameterBillions } from '../core/memoryEstimate';

/** What Ollama says about a loaded model in `/api/ps`, besides its name and expiry. */
export interface ModelFootprint {
  /** Bytes as `/api/ps` gives them: the weights plus the KV cache and compute buffers of a 4k context. */
  readonly sizeBytes: number;
  /** `details.parameter_size`, such as `6.7B`. */
  readonly parameterSize: string;
  /** `details.quantization_level`, such as `Q4_0`. */
  readonly quantization: string;
  readonly family: string;
  /**
   * The GGUF's `block_count`: Ollama offloads a model to the GPU a layer at a time, so a split falls between layers.
   */
  readonly layers: number;
}

/**
 * ECHO's models as Ollama holds them at their default tags, from the GGUF
 * files' sizes plus what a 4096-token context adds (the KV cache and compute
 * buffers, 0.3 to 1.5 GB). Not the monitor's estimate of 1 GB per billion
 * parameters: this is what a measuring monitor would see. Ollama counts GB in
 * powers of ten. Two figures are the recorded `/api/ps` answer's
 * (test/fixtures/ollama-ps.json).
 */
export const MODEL_SIZES: Readonly<Record<string, ModelFootprint>> = {
  // 3.8 GB file.
  'deepseek-coder:6.7b': {
    sizeBytes: 4_569_768_960,
    parameterSize: '6.7B',
    quantization: 'Q4_0',
    family: 'llama',
    layers: 32,
  },
  // 4.1 GB file.
  'mistral:7b': { sizeBytes: 4_900_000_000, parameterSize: '7.2B', quantization: 'Q4_0', family: 'llama', layers: 32 },
  // 4.9 GB file.
  'llama3.1:8b': {
    sizeBytes: 5_600_000_000,
    parameterSize: '8.0B',
    quantization: 'Q4_K_M',
    family: 'llama',
    layers: 32,
  },
  // 7.4 GB file.
  'codellama:13b': {
    sizeBytes: 8_808_038_400,
    parameterSize: '13B',
    quantization: 'Q4_0',
    family: 'llama',
    layers: 40,
  },
  // 7.9 GB with its vision projector.
  'llama3.2-vision:11b': {
    sizeBytes: 9_300_000_000,
    parameterSize: '10.7B',
    quantization: 'Q4_K_M',
    family: 'mllama',
    layers: 40,
  },
  // 9.0 GB file.
  'qwen2.5:14b': {
    sizeBytes: 10_200_000_000,
    parameterSize: '14.8B',
    quantization: 'Q4_K_M',
    family: 'qwen2',
    layers: 48,
  },
  // 18.8 GB file.
  'deepseek-coder:33b': {
    sizeBytes: 20_300_000_000,
    parameterSize: '33B',
    quantization: 'Q4_0',
    family: 'llama',
    layers: 62,
  },
};

/** A Q4 GGUF holds about 0.6 GB per billion parameters; the context adds about 0.8 GB more. */
const GB_PER_BILLION = 0.6;
const CONTEXT_GB = 0.8;
/** What a tag that names no size (`phi3:mini`, `llava`) most often is. */
const DEFAULT_BILLIONS = 7;
/** Layers by size, as the common architectures have them: 3B 28, 7–8B 32, 13–14B 40–48, 30–34B 60–62, 70B 80. */
const LAYERS_BY_BILLIONS: ReadonlyArray<readonly [number, number]> = [
  [4, 28],
  [9, 32],
  [15, 40],
  [40, 60],
  [Number.POSITIVE_INFINITY, 80],
];

/** The loaded size of any model: the table's figure, or the rule for a model it does not know. */
export function modelFootprint(model: string): ModelFootprint {
  const known = MODEL_SIZES[normalizeModel(model)];
  if (known) return known;
  const billions = parameterBillions(model) ?? DEFAULT_BILLIONS;
  const family = /^[a-z]+/i.exec(model.slice(model.lastIndexOf('/') + 1))?.[0]?.toLowerCase() ?? 'llama';
  return {
    sizeBytes: Math.round((billions * GB_PER_BILLION + CONTEXT_GB) * 1e9),
    parameterSize: `${String(Math.round(billions * 10) / 10)}B`,
    // Ollama's default quantisation for a tag that names none.
    quantization: 'Q4_K_M',
    family,
    layers: LAYERS_BY_BILLIONS.find(([upTo]) => billions <= upTo)?.[1] ?? 32,
  };
}
